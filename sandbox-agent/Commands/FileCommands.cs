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

        var mode = request.Mode == 0 ? DefaultMode : (UnixFileMode)request.Mode;
        return AtomicFile.WriteAsync(path, request.Content.Memory, mode, cancellationToken);
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
