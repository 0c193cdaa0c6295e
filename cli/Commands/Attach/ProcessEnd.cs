using RemoteDev.Cli.Commands.Process;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Attach;

/// <summary>
/// When an attach ends: at the end of the run it is attached to (like docker attach), whether or not the process runs
/// again, or when the process is found down. The exit code attach reports for it.
/// </summary>
internal static class ProcessEnd
{
    /// <summary>The process stays down until something starts it.</summary>
    public static bool HasEnded(V1.ProcessState state) =>
        state is V1.ProcessState.Exited or V1.ProcessState.Stopped or V1.ProcessState.Failed;

    /// <summary>A run's exit (it says where that run's output ends), a removal, or a process now down.</summary>
    public static bool EndsAttach(V1.ProcessEvent processEvent) => processEvent.HasOutputEnd || HasEnded(processEvent.State);

    public static async Task<int> ExitCodeAsync(V1.ProcessEvent ended)
    {
        if (!HasEnded(ended.State) && ended.Kind == V1.ProcessEventKind.Transition)
        {
            await Console.Error.WriteLineAsync($"rdev: the run of {ended.Process} ended; it is {ProcessViews.State(ended.State)}: {ended.Reason}");
        }

        if (ended.HasExitCode)
        {
            return ended.ExitCode;
        }

        if (ended.Signal.Length > 0)
        {
            return Signals.ExitCode(ended.Signal);
        }

        await Console.Error.WriteLineAsync($"rdev: process {ended.Process} is {ProcessViews.State(ended.State)}: {ended.Reason}");
        return ExitCodes.Failure;
    }
}
