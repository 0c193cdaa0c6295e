using Google.Protobuf;
using Grpc.Core;
using RemoteDev.Agent.Files;
using RemoteDev.Agent.Hosting;
using RemoteDev.V1;

namespace RemoteDev.Agent.Commands;

internal static class FileCommands
{
    private const UnixFileMode DefaultMode = (UnixFileMode)0x1A4; // 0644

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

    public static async Task<FileContent> ReadAsync(ReadFile request, CancellationToken cancellationToken)
    {
        var path = AbsolutePath(request.Path, "read_file.path");
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new ProcessHostException(StatusCode.NotFound, $"read_file.path: no such file: {path}");
        }

        if (info.Length > CommandTimings.MaxReadFileBytes)
        {
            throw new ProcessHostException(StatusCode.ResourceExhausted, $"read_file.path: {info.Length} bytes is more than the {CommandTimings.MaxReadFileBytes} a result may carry");
        }

        var content = await File.ReadAllBytesAsync(path, cancellationToken);
        return new FileContent { Content = ByteString.CopyFrom(content), Mode = (uint)File.GetUnixFileMode(path) };
    }

    private static string AbsolutePath(string path, string field)
    {
        if (string.IsNullOrEmpty(path))
        {
            throw new ProcessHostException(StatusCode.InvalidArgument, $"{field} is required");
        }

        return Path.IsPathRooted(path) ? path : throw new ProcessHostException(StatusCode.InvalidArgument, $"{field} must be absolute");
    }
}
