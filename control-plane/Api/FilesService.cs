using System.Text.RegularExpressions;
using Grpc.Core;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// Files: write and read files inside a sandbox through its agent, in chunks that keep every message under the 4 MiB
/// standard gRPC clients accept (see files.proto and <see cref="FileChunks"/>).
/// </summary>
internal sealed partial class FilesService(SandboxAccess access, AgentCalls agents, ControlPlaneOptions options) : Files.FilesBase
{
    public override async Task<WriteFileResponse> Write(WriteFileRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Require(request.SandboxId.Length > 0, "sandbox_id", "required");
        CheckPath(request.Path, errors);
        errors.Require(request.Mode <= 0xFFF, "mode", "must be permission bits (at most 07777)");
        errors.Require(request.UploadId.Length == 0 || UploadIds().IsMatch(request.UploadId), "upload_id", "must be 1 to 64 of [A-Za-z0-9_-]");
        errors.Require(request.UploadId.Length > 0 || request.Offset == 0, "offset", "must be 0 without an upload_id (the content is the whole file)");
        errors.ThrowIfAny();
        if (request.Content.Length > FileChunks.MaxWriteBytes)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"content: {request.Content.Length} bytes exceed the {FileChunks.MaxWriteBytes} one write may carry; send larger files in chunks with an upload_id"));
        }

        var limit = (ulong)options.MaxFileBytes;
        if (request.Offset > limit || (ulong)request.Content.Length > limit - request.Offset)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"content: {request.Content.Length} bytes at offset {request.Offset} would take the file over the limit of {limit} bytes"));
        }

        var sandbox = await access.GetLiveAsync(request.SandboxId, "sandbox_id", context);
        var write = new WriteFile
        {
            Path = request.Path,
            Content = request.Content,
            Mode = request.Mode,
            UploadId = request.UploadId,
            Offset = request.Offset,
            Final = request.Final,
        };
        return FileAnswers.Written(request, (await agents.RunAsync(sandbox.Id, new Command { WriteFile = write }, context.CancellationToken)).File);
    }

    public override async Task<ReadFileResponse> Read(ReadFileRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Require(request.SandboxId.Length > 0, "sandbox_id", "required");
        CheckPath(request.Path, errors);
        errors.Require(request.MaxBytes <= FileChunks.MaxReadBytes, "max_bytes", $"at most {FileChunks.MaxReadBytes}");
        errors.ThrowIfAny();
        var sandbox = await access.GetLiveAsync(request.SandboxId, "sandbox_id", context);
        var read = new ReadFile { Path = request.Path, Offset = request.Offset, MaxBytes = request.MaxBytes };
        return FileAnswers.Read(request, (await agents.RunAsync(sandbox.Id, new Command { ReadFile = read }, context.CancellationToken)).File);
    }

    private static void CheckPath(string path, FieldErrors errors)
    {
        errors.Require(path.Length > 0, "path", "required");
        errors.Require(!path.Contains('\0', StringComparison.Ordinal), "path", "must not contain NUL");
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex UploadIds();
}
