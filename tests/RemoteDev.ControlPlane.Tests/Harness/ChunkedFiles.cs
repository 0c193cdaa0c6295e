using Google.Protobuf;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Harness;

/// <summary>Files.Write and Files.Read the way a client moves a file of any size: chunk after chunk.</summary>
internal static class ChunkedFiles
{
    /// <summary>Uploads <paramref name="content"/> in chunks; <paramref name="betweenChunks"/> runs after each one that is not final.</summary>
    public static async Task<WriteFileResponse> WriteAsync(OperatorClient client, string sandboxId, string path, byte[] content, int chunkBytes, uint mode, Func<Task> betweenChunks)
    {
        var uploadId = Guid.NewGuid().ToString("N");
        for (var offset = 0; ; offset += chunkBytes)
        {
            var length = Math.Min(chunkBytes, content.Length - offset);
            var final = offset + length == content.Length;
            var request = new WriteFileRequest
            {
                SandboxId = sandboxId,
                Path = path,
                Content = ByteString.CopyFrom(content, offset, length),
                Mode = mode,
                UploadId = uploadId,
                Offset = (ulong)offset,
                Final = final,
            };
            var response = await client.Files.WriteAsync(request);
            if (final)
            {
                return response;
            }

            await betweenChunks();
        }
    }

    /// <summary>Reads the whole file with reads of the default size; fails if the file changed meanwhile.</summary>
    public static async Task<(byte[] Content, uint Mode)> ReadAsync(OperatorClient client, string sandboxId, string path)
    {
        var content = new MemoryStream();
        var first = await client.Files.ReadAsync(new ReadFileRequest { SandboxId = sandboxId, Path = path });
        content.Write(first.Content.Span);
        while ((ulong)content.Length < first.Size)
        {
            var next = await client.Files.ReadAsync(new ReadFileRequest { SandboxId = sandboxId, Path = path, Offset = (ulong)content.Length });
            Assert.Equal((first.Size, first.Version), (next.Size, next.Version));
            Assert.False(next.Content.IsEmpty, $"no bytes at offset {content.Length} of {first.Size}");
            content.Write(next.Content.Span);
        }

        return (content.ToArray(), first.Mode);
    }
}
