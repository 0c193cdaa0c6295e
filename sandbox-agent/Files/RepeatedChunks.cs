using Grpc.Core;
using RemoteDev.Agent.Hosting;
using RemoteDev.Agent.Native;
using RemoteDev.V1;

namespace RemoteDev.Agent.Files;

/// <summary>
/// A chunk of an upload already put in place, sent again because its answer was lost: it gets the answer the first
/// one got and the file is left as it is. Only while the file is still the one the upload put there (ABORTED naming
/// the upload otherwise) and the chunk's bytes are the upload's at its offset (FAILED_PRECONDITION naming offset).
/// </summary>
internal static class RepeatedChunks
{
    public static async Task<FileContent> AnswerAsync(UploadChunk chunk, CompletedUpload done, CancellationToken cancellationToken)
    {
        if (FileKinds.Of(chunk.Path).Version != done.Version)
        {
            throw Changed(chunk);
        }

        await using var file = new FileStream(chunk.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        if (FileKinds.Of(file.SafeFileHandle, chunk.Path).Version != done.Version)
        {
            throw Changed(chunk);
        }

        var end = chunk.Offset + chunk.Content.Length;
        if (end > done.Size || (chunk.Final && end != done.Size) || !await ReceivedBytes.MatchAsync(file.SafeFileHandle, chunk.Offset, chunk.Content, cancellationToken))
        {
            throw new ProcessHostException(StatusCode.FailedPrecondition, $"write_file.offset: upload {chunk.UploadId} to {chunk.Path} is complete ({done.Size} bytes) and these {chunk.Content.Length} bytes at offset {chunk.Offset}{(chunk.Final ? ", its end," : "")} are not what it holds there: a new upload needs a new upload_id");
        }

        return chunk.Final ? new FileContent { Size = (ulong)done.Size, Version = done.Version } : new FileContent { Size = (ulong)end };
    }

    private static ProcessHostException Changed(UploadChunk chunk) => new(
        StatusCode.Aborted,
        $"write_file.upload_id: upload {chunk.UploadId} was put in place at {chunk.Path}, but the file changed since; it is not put there again (to write it again, send it as a new upload)");
}
