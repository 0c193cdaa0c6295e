using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Process;

/// <summary>
/// How long a graceful stop may wait on the server before SIGKILL. Stop and restart calls get that long on top of the
/// request timeout; else a long grace would end them with DEADLINE_EXCEEDED while the stop carries on.
/// </summary>
internal static class StopGrace
{
    /// <summary>ProcessSpec.stop_grace unset means this (the API's documented default).</summary>
    private static readonly TimeSpan Unset = TimeSpan.FromSeconds(5);

    /// <summary>The process's own stop_grace.</summary>
    public static async Task<TimeSpan> OfAsync(Connection api, string sandboxId, string name, CancellationToken cancellationToken)
    {
        var status = await api.Processes.GetAsync(new V1.GetProcessRequest { SandboxId = sandboxId, Name = name }, deadline: api.Deadline(), cancellationToken: cancellationToken);
        return status.Spec.StopGrace?.ToTimeSpan() ?? Unset;
    }
}
