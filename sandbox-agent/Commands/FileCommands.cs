using Grpc.Core;
using RemoteDev.Agent.Files;
using RemoteDev.Agent.Hosting;
using RemoteDev.Agent.Native;
using RemoteDev.V1;

namespace RemoteDev.Agent.Commands;

/// <summary>
/// WriteFile and ReadFile: their fields checked, then a whole-file write, an upload's chunk or a ranged read. A write
/// answers a FileContent without content: the size (for a chunk that is not final, where it ends) and, once the file
/// is in place, its version.
/// </summary>
internal sealed class FileCommands(Uploads uploads)
{
    private const UnixFileMode DefaultMode = (UnixFileMode)0x1A4; // 0644

    public async Task<FileContent> WriteAsync(WriteFile request, CancellationToken cancellationToken)
    {
        var path = AbsolutePath(request.Path, "write_file.path");
        if (request.Mode > 0xFFF)
        {
            throw new ProcessHostException(StatusCode.InvalidArgument, "write_file.mode must be permission bits (at most 07777)");
        }

        if (request.UploadId.Length > 0 && !UploadIds.IsValid(request.UploadId))
        {
            throw new ProcessHostException(StatusCode.InvalidArgument, "write_file.upload_id must be 1 to 64 of [A-Za-z0-9_-]");
        }

        if (request.UploadId.Length == 0 && request.Offset != 0)
        {
            throw new ProcessHostException(StatusCode.InvalidArgument, "write_file.offset must be 0 without an upload_id (the content is the whole file)");
        }

        if (request.Offset > long.MaxValue - (ulong)request.Content.Length)
        {
            throw new ProcessHostException(StatusCode.OutOfRange, $"write_file.offset: {request.Offset} is beyond any file");
        }

        if (Directory.Exists(path))
        {
            throw new ProcessHostException(StatusCode.FailedPrecondition, $"write_file.path: {path} is a directory");
        }

        var mode = request.Mode == 0 ? DefaultMode : (UnixFileMode)request.Mode;
        try
        {
            if (request.UploadId.Length > 0)
            {
                return await uploads.WriteAsync(new UploadChunk(path, request.UploadId, (long)request.Offset, request.Content.Memory, request.Final, mode), cancellationToken);
            }

            await AtomicFile.WriteAsync(path, request.Content.Memory, mode, cancellationToken);
            var written = FileKinds.Of(path);
            return new FileContent { Size = (ulong)written.Size, Version = written.Version };
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ProcessHostException(
                error is UnauthorizedAccessException ? StatusCode.PermissionDenied : StatusCode.FailedPrecondition,
                $"write_file.path: cannot write {path}: {error.Message}");
        }
    }

    public static Task<FileContent> ReadAsync(ReadFile request, CancellationToken cancellationToken)
    {
        var path = AbsolutePath(request.Path, "read_file.path");
        if (request.MaxBytes > FileChunks.MaxReadBytes)
        {
            throw new ProcessHostException(StatusCode.InvalidArgument, $"read_file.max_bytes: at most {FileChunks.MaxReadBytes}");
        }

        if (request.Offset > long.MaxValue)
        {
            throw new ProcessHostException(StatusCode.OutOfRange, $"read_file.offset: {request.Offset} is past the end of {path}");
        }

        var maxBytes = request.MaxBytes == 0 ? FileChunks.DefaultReadBytes : (int)request.MaxBytes;
        return RangeReader.ReadAsync(path, (long)request.Offset, maxBytes, cancellationToken);
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
