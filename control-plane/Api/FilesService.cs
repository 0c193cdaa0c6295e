using Grpc.Core;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>Files: write and read files inside a sandbox through its agent.</summary>
internal sealed class FilesService(SandboxAccess access, AgentCalls agents, ControlPlaneOptions options) : Files.FilesBase
{
    public override async Task<WriteFileResponse> Write(WriteFileRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Require(request.SandboxId.Length > 0, "sandbox_id", "required");
        CheckPath(request.Path, errors);
        errors.Require(request.Mode <= 0xFFF, "mode", "must be permission bits (at most 07777)");
        errors.ThrowIfAny();
        if (request.Content.Length > options.MaxFileBytes)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"content: {request.Content.Length} bytes exceed the limit of {options.MaxFileBytes}"));
        }

        var sandbox = await access.GetLiveAsync(request.SandboxId, "sandbox_id", context);
        await agents.RunAsync(sandbox.Id, new Command { WriteFile = new WriteFile { Path = request.Path, Content = request.Content, Mode = request.Mode } }, context.CancellationToken);
        return new WriteFileResponse { Size = (ulong)request.Content.Length };
    }

    public override async Task<ReadFileResponse> Read(ReadFileRequest request, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Require(request.SandboxId.Length > 0, "sandbox_id", "required");
        CheckPath(request.Path, errors);
        errors.ThrowIfAny();
        var sandbox = await access.GetLiveAsync(request.SandboxId, "sandbox_id", context);
        var result = await agents.RunAsync(sandbox.Id, new Command { ReadFile = new ReadFile { Path = request.Path } }, context.CancellationToken);
        return new ReadFileResponse { Content = result.File.Content, Mode = result.File.Mode };
    }

    private static void CheckPath(string path, FieldErrors errors)
    {
        errors.Require(path.Length > 0, "path", "required");
        errors.Require(!path.Contains('\0', StringComparison.Ordinal), "path", "must not contain NUL");
    }
}
