using Grpc.Core;
using RemoteDev.ControlPlane.Auth;
using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Api;

/// <summary>Looks up the sandbox a call names and checks that the caller's key may act on its project.</summary>
internal sealed class SandboxAccess(ISandboxStore store)
{
    /// <summary>NOT_FOUND for an unknown id, PERMISSION_DENIED for another project's sandbox.</summary>
    public async Task<SandboxRecord> GetAsync(string id, string field, ServerCallContext context)
    {
        FieldErrors.RequireId(id, field);
        var sandbox = await store.GetAsync(id, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"sandbox {id} not found"));
        context.GetCaller().EnsureProject(sandbox.Project);
        return sandbox;
    }

    /// <summary>As <see cref="GetAsync"/>, and FAILED_PRECONDITION when the sandbox is deleted.</summary>
    public async Task<SandboxRecord> GetLiveAsync(string id, string field, ServerCallContext context)
    {
        var sandbox = await GetAsync(id, field, context);
        if (sandbox.Deleted)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"sandbox {id} is deleted"));
        }

        return sandbox;
    }
}
