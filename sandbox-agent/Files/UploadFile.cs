using Grpc.Core;
using RemoteDev.Agent.Hosting;

namespace RemoteDev.Agent.Files;

/// <summary>
/// An upload's hidden file. Bytes once received never change: a chunk that repeats some (sent again after a lost
/// answer, or cut differently) must carry the same ones there, and only what lies past them is written, each chunk
/// flushed to disk.
/// </summary>
internal static class UploadFile
{
    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Create(string temp) => Open(temp, FileMode.Create).Dispose();

    /// <summary>Adds the chunk and returns where it ends; with the final chunk the file gets its mode.</summary>
    public static async Task<long> AddAsync(UploadChunk chunk, string temp, CancellationToken cancellationToken)
    {
        await using var stream = Open(temp, FileMode.Open);
        var file = stream.SafeFileHandle;
        var received = RandomAccess.GetLength(file);
        if (chunk.Offset > received)
        {
            throw new ProcessHostException(StatusCode.OutOfRange, $"write_file.offset: {chunk.Offset} is past the {received} bytes upload {chunk.UploadId} received so far");
        }

        var end = chunk.Offset + chunk.Content.Length;
        var repeated = (int)(Math.Min(end, received) - chunk.Offset);
        if (!await ReceivedBytes.MatchAsync(file, chunk.Offset, chunk.Content[..repeated], cancellationToken))
        {
            throw new ProcessHostException(StatusCode.FailedPrecondition, $"write_file.offset: upload {chunk.UploadId} already holds other bytes than these at offset {chunk.Offset}; a chunk sent again must carry the same bytes (to start over, use a new upload_id)");
        }

        if (chunk.Final && end < received)
        {
            throw new ProcessHostException(StatusCode.FailedPrecondition, $"write_file.offset: the final chunk at offset {chunk.Offset} ends at {end}, before the {received} bytes upload {chunk.UploadId} received (to start over, use a new upload_id)");
        }

        if (end > received)
        {
            await RandomAccess.WriteAsync(file, chunk.Content[repeated..], received, cancellationToken);
            RandomAccess.FlushToDisk(file);
        }

        if (chunk.Final)
        {
            File.SetUnixFileMode(file, chunk.Mode);
        }

        return end;
    }

    private static FileStream Open(string temp, FileMode mode) => new(temp, new FileStreamOptions
    {
        Mode = mode,
        Access = FileAccess.ReadWrite,
        Share = FileShare.None,
        Options = FileOptions.Asynchronous,
        BufferSize = 0,
        UnixCreateMode = mode == FileMode.Create ? PrivateMode : null,
    });
}
