using RemoteDev.Cli.Commands.Process;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Attach;

/// <summary>When an attached process counts as ended (it stays down) and the exit code attach reports for it.</summary>
internal static class ProcessEnd
{
    public static bool HasEnded(V1.ProcessState state) =>
        state is V1.ProcessState.Exited or V1.ProcessState.Stopped or V1.ProcessState.Failed;

    public static async Task<int> ExitCodeAsync(V1.ProcessEvent ended)
    {
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
