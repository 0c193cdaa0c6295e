using Grpc.Core;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Sandbox;

/// <summary>Watches one sandbox until it is READY; FAILED, STOPPED or deletion end the wait with an error.</summary>
internal static class ReadyWaiter
{
    public static async Task<V1.Sandbox> WaitAsync(V1.Sandboxes.SandboxesClient client, string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var call = client.Watch(new V1.WatchSandboxesRequest { Id = id }, deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken);
        try
        {
            await foreach (var change in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                var sandbox = change.Sandbox;
                if (change.Type == V1.SandboxEvent.Types.Type.Deleted)
                {
                    throw new CliException(ExitCodes.Conflict, $"sandbox {id} was deleted before it became READY");
                }

                switch (sandbox.Status?.Phase)
                {
                    case V1.SandboxPhase.Ready:
                        return sandbox;
                    case V1.SandboxPhase.Failed or V1.SandboxPhase.Stopped:
                        throw new CliException(ExitCodes.Failure, $"sandbox {id} is {SandboxViews.Phase(sandbox.Status.Phase)}: {sandbox.Status.Reason}");
                }
            }
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.DeadlineExceeded)
        {
            throw new CliException(ExitCodes.Unavailable, $"sandbox {id} not READY within {timeout}");
        }

        throw new CliException(ExitCodes.Unavailable, $"the watch of sandbox {id} ended before it became READY");
    }
}
