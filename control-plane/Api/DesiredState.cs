using Grpc.Core;
using RemoteDev.ControlPlane.Gateway;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// Changes a sandbox's desired spec (optimistically, retrying on concurrent changes) and pushes it to its agent; gives
/// the processes' stored output the retention their specs ask for.
/// </summary>
internal sealed class DesiredState(ISandboxStore store, IOutputStore output, AgentSessions sessions)
{
    private const int MaxAttempts = 8;

    /// <summary>Applies <paramref name="change"/> to a copy of the spec and stores it; the change may throw a status.</summary>
    public async Task<SandboxRecord> UpdateAsync(SandboxRecord sandbox, Action<SandboxSpec> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var spec = sandbox.Spec.Clone();
            change(spec);
            try
            {
                return await store.UpdateSpecAsync(sandbox.Id, spec, sandbox.Revision, cancellationToken);
            }
            catch (StoreException error) when (error.Error == StoreError.Conflict && attempt < MaxAttempts)
            {
                sandbox = await store.GetAsync(sandbox.Id, cancellationToken)
                    ?? throw new RpcException(new Status(StatusCode.NotFound, $"sandbox {sandbox.Id} not found"));
            }
        }
    }

    /// <summary>Sets each process's output retention (its spec's, or the store's default); call before it can write.</summary>
    public async Task ApplyRetentionAsync(string sandboxId, IEnumerable<ProcessSpec> processes, CancellationToken cancellationToken)
    {
        foreach (var process in processes)
        {
            await output.SetRetentionAsync(new OutputStreamKey(sandboxId, process.Name), process.OutputRetentionBytes, cancellationToken);
        }
    }

    /// <summary>Sends the whole desired state to the agent when it is connected (it gets it at its next hello otherwise).</summary>
    public async Task PushAsync(SandboxRecord sandbox, CancellationToken cancellationToken)
    {
        if (sessions.Find(sandbox.Id) is { } session)
        {
            await session.PushDesiredAsync(AgentGatewayService.Desired(sandbox), cancellationToken);
        }
    }

    public static int IndexOf(IReadOnlyList<ProcessSpec> processes, string process)
    {
        for (var i = 0; i < processes.Count; i++)
        {
            if (processes[i].Name == process)
            {
                return i;
            }
        }

        return -1;
    }

    public static int RequireProcess(SandboxSpec spec, string sandboxId, string process)
    {
        var index = IndexOf(spec.Processes, process);
        return index >= 0 ? index : throw new RpcException(new Status(StatusCode.NotFound, $"sandbox {sandboxId} has no process '{process}'"));
    }
}
