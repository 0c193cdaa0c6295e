using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RemoteDev.ControlPlane.Gateway;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Reconcile;

/// <summary>The optional readiness probe: a command run in the sandbox that must exit 0 with the expected output.</summary>
internal sealed class ReadinessProbe(AgentSessions sessions)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    public async Task<bool> PassesAsync(SandboxRecord sandbox, CancellationToken cancellationToken)
    {
        var readiness = sandbox.Spec.Readiness;
        if (readiness is null || readiness.ProbeCommand.Count == 0)
        {
            return true;
        }

        if (sessions.Find(sandbox.Id) is not { } session)
        {
            return false;
        }

        var exec = new ExecCommand { Timeout = Duration.FromTimeSpan(ProbeTimeout) };
        exec.Command.Add(readiness.ProbeCommand);
        try
        {
            var pending = await session.StartCommandAsync(new Command { Exec = exec }, streamsOutput: true, cancellationToken);
            var stdout = new StringBuilder();
            await foreach (var output in pending.Output!.ReadAllAsync(cancellationToken))
            {
                if (output.Kind is StreamKind.Stdout or StreamKind.Pty)
                {
                    stdout.Append(output.Data.ToStringUtf8());
                }
            }

            var result = await pending.Result.Task;
            return result.Code == 0 && result.Exec is { HasExitCode: true, ExitCode: 0 }
                && stdout.ToString().Contains(readiness.ExpectOutput, StringComparison.Ordinal);
        }
        catch (RpcException)
        {
            return false;
        }
    }
}
