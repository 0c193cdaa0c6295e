using Grpc.Core;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// Whether a process name means anything for a sandbox: it is in the desired spec, the agent reports it, or output of
/// it is stored. Logs and Attach answer NOT_FOUND otherwise, instead of waiting for output that never comes.
/// </summary>
internal sealed class KnownProcesses(ObservedState observed, IOutputStore output)
{
    public async Task RequireAsync(SandboxRecord sandbox, string process, string field, CancellationToken cancellationToken)
    {
        if (sandbox.Spec.Processes.Any(p => p.Name == process) || observed.Get(sandbox.Id).Processes.ContainsKey(process)
            || await output.GetStreamAsync(new OutputStreamKey(sandbox.Id, process), cancellationToken) is not null)
        {
            return;
        }

        throw new RpcException(new Status(StatusCode.NotFound, $"{field}: sandbox {sandbox.Id} has no process '{process}' and no stored output of one"));
    }
}
