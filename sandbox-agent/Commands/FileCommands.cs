using Google.Protobuf;
using Grpc.Core;
using RemoteDev.Agent.Files;
using RemoteDev.Agent.Hosting;
using RemoteDev.Agent.Native;
using RemoteDev.V1;

namespace RemoteDev.Agent.Commands;

internal static class FileCommands
{
    private const UnixFileMode DefaultMode = (UnixFileMode)0x1A4; // 0644
    private const int ReadChunkBytes = 64 * 1024;

    public static Task WriteAsync(WriteFile request, CancellationToken cancellationToken)
    {
        var path = AbsolutePath(request.Path, "write_file.path");
        if (request.Mode > 0xFFF)
        {
            throw new ProcessHostException(StatusCode.InvalidArgument, "write_file.mode must be permission bits (at most 07777)");
        }

        if (Directory.Exists(path))
        {
            throw new ProcessHostException(StatusCode.FailedPrecondition, $"write_file.path: {path} is a directory");
        }

        var mode = request.Mode == 0 ? DefaultMode : (UnixFileMode)request.Mode;
        return WriteCoreAsync(path, request.Content.Memory, mode, cancellationToken);
    }

    private static async Task WriteCoreAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode mode, CancellationToken cancellationToken)
    {
        try
        {
            await AtomicFile.WriteAsync(path, content, mode, cancellationToken);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ProcessHostException(
                error is UnauthorizedAccessException ? StatusCode.PermissionDenied : StatusCode.FailedPrecondition,
                $"write_file.path: cannot write {path}: {error.Message}");
        }
    }

    /// <summary>
    /// Reads a regular file or a device, at most <see cref="CommandTimings.MaxReadFileBytes"/>: the size a file
    /// claims is not trusted (/proc files say 0, /dev/zero never ends). A FIFO or socket is refused: reading it
    /// would wait for a writer.
    /// </summary>
    public static async Task<FileContent> ReadAsync(ReadFile request, CancellationToken cancellationToken)
    {
        var path = AbsolutePath(request.Path, "read_file.path");
        var (kind, size) = FileKinds.Of(path);
        switch (kind)
        {
            case FileKind.Missing:
                throw new ProcessHostException(StatusCode.NotFound, $"read_file.path: no such file: {path}");
            case FileKind.Directory:
                throw new ProcessHostException(StatusCode.FailedPrecondition, $"read_file.path: {path} is a directory");
            case FileKind.Fifo or FileKind.Socket:
                throw new ProcessHostException(StatusCode.FailedPrecondition, $"read_file.path: {path} is a {(kind == FileKind.Fifo ? "FIFO" : "socket")}, not a file: reading it would wait for a writer");
        }

        if (size > CommandTimings.MaxReadFileBytes)
        {
            throw TooLarge(path);
        }

        var content = await ReadCappedAsync(path, cancellationToken);
        return new FileContent { Content = content, Mode = (uint)File.GetUnixFileMode(path) };
    }

    private static async Task<ByteString> ReadCappedAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        using var content = new MemoryStream();
        var buffer = new byte[ReadChunkBytes];
        int read;
        while ((read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, CommandTimings.MaxReadFileBytes + 1 - content.Length)), cancellationToken)) > 0)
        {
            content.Write(buffer, 0, read);
            if (content.Length > CommandTimings.MaxReadFileBytes)
            {
                throw TooLarge(path);
            }
        }

        return ByteString.CopyFrom(content.GetBuffer(), 0, (int)content.Length);
    }

    private static ProcessHostException TooLarge(string path) =>
        new(StatusCode.ResourceExhausted, $"read_file.path: {path} holds more than the {CommandTimings.MaxReadFileBytes} bytes a result may carry");

    private static string AbsolutePath(string path, string field)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new ProcessHostException(StatusCode.InvalidArgument, $"{field} is required");
        }

        return Path.IsPathRooted(path) ? path : throw new ProcessHostException(StatusCode.InvalidArgument, $"{field} must be absolute");
    }
}
