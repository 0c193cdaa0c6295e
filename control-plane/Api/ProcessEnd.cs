using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>When a process counts as ended (it stays down until something starts it), and its end as an event.</summary>
internal static class ProcessEnd
{
    public static bool HasEnded(ProcessState state) => state is ProcessState.Exited or ProcessState.Failed or ProcessState.Stopped;

    public static ProcessEvent Event(ProcessStatus status)
    {
        var ended = new ProcessEvent { Process = status.Name, State = status.State, Signal = status.Signal, Reason = status.Reason, RestartCount = status.RestartCount, Time = status.Since };
        if (status.HasExitCode)
        {
            ended.ExitCode = status.ExitCode;
        }

        return ended;
    }
}
