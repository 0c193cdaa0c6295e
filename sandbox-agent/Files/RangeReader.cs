using Google.Protobuf;
using Grpc.Core;
using RemoteDev.Agent.Hosting;
using RemoteDev.Agent.Native;
using RemoteDev.V1;

namespace RemoteDev.Agent.Files;

/// <summary>
/// Reads a range of a regular file or a device. A file whose size the kernel does not know (/proc files say 0,
/// /dev/zero never ends) is read whole from its start, at most <see cref="MaxSizelessBytes"/>, and the range cut from
/// that. A FIFO or socket is refused: reading it would wait for a writer.
/// </summary>
internal static class RangeReader
{
    public const int MaxSizelessBytes = FileChunks.MaxReadBytes;
    private const int SizelessReadBytes = 64 * 1024;

    public static async Task<FileContent> ReadAsync(string path, long offset, int maxBytes, CancellationToken cancellationToken)
    {
        var kind = FileKinds.Of(path).Kind;
        switch (kind)
        {
            case FileKind.Missing:
                throw new ProcessHostException(StatusCode.NotFound, $"read_file.path: no such file: {path}");
            case FileKind.Directory:
                throw new ProcessHostException(StatusCode.FailedPrecondition, $"read_file.path: {path} is a directory");
            case FileKind.Fifo or FileKind.Socket:
                throw new ProcessHostException(StatusCode.FailedPrecondition, $"read_file.path: {path} is a {(kind == FileKind.Fifo ? "FIFO" : "socket")}, not a file: reading it would wait for a writer");
        }

        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        var opened = FileKinds.Of(file.SafeFileHandle, path);
        var mode = (uint)File.GetUnixFileMode(file.SafeFileHandle);
        if (opened.Kind == FileKind.Regular && opened.Size > 0)
        {
            var (range, size) = await ReadRangeAsync(file, path, opened.Size, offset, maxBytes, cancellationToken);
            return new FileContent { Content = range, Mode = mode, Size = (ulong)size, Version = opened.Version };
        }

        var whole = await ReadSizelessAsync(file, path, cancellationToken);
        return new FileContent { Content = Cut(whole, path, offset, maxBytes), Mode = mode, Size = (ulong)whole.Length };
    }

    /// <summary>The range as the file is now, up to the size it had when opened; an end found earlier is its size.</summary>
    private static async Task<(ByteString Range, long Size)> ReadRangeAsync(FileStream file, string path, long size, long offset, int maxBytes, CancellationToken cancellationToken)
    {
        CheckOffset(path, offset, size);
        var buffer = new byte[Math.Min(maxBytes, size - offset)];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await RandomAccess.ReadAsync(file.SafeFileHandle, buffer.AsMemory(filled), offset + filled, cancellationToken)) > 0)
        {
            filled += read;
        }

        return (UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, filled)), filled < buffer.Length ? offset + filled : size);
    }

    private static async Task<byte[]> ReadSizelessAsync(FileStream file, string path, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream();
        var buffer = new byte[SizelessReadBytes];
        int read;
        while ((read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, MaxSizelessBytes + 1 - content.Length)), cancellationToken)) > 0)
        {
            content.Write(buffer, 0, read);
            if (content.Length > MaxSizelessBytes)
            {
                throw new ProcessHostException(StatusCode.ResourceExhausted, $"read_file.path: {path} does not tell its size (a /proc file or a device) and holds more than the {MaxSizelessBytes} bytes read of such a file");
            }
        }

        return content.ToArray();
    }

    private static ByteString Cut(byte[] whole, string path, long offset, int maxBytes)
    {
        CheckOffset(path, offset, whole.Length);
        var start = (int)offset;
        return UnsafeByteOperations.UnsafeWrap(whole.AsMemory(start, Math.Min(maxBytes, whole.Length - start)));
    }

    private static void CheckOffset(string path, long offset, long size)
    {
        if (offset > size)
        {
            throw new ProcessHostException(StatusCode.OutOfRange, $"read_file.offset: {offset} is past the end of {path} ({size} bytes)");
        }
    }
}
