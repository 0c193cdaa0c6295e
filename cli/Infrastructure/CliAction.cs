using System.CommandLine;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>Runs a command's action; a failure becomes one stderr line and a class-specific exit code (<see cref="Failures"/>).</summary>
internal static class CliAction
{
    public static void Set(Command command, Func<CliContext, CancellationToken, Task<int>> run) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, run, watchOutput: false, cancellationToken));

    /// <summary>For commands that may wait long between writes: they also end (141) once their stdout's reader is gone.</summary>
    public static void SetStreaming(Command command, Func<CliContext, CancellationToken, Task<int>> run) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, run, watchOutput: true, cancellationToken));

    private static async Task<int> RunAsync(ParseResult parse, Func<CliContext, CancellationToken, Task<int>> run, bool watchOutput, CancellationToken cancellationToken)
    {
        using var interruption = new Interruption(cancellationToken);
        using var signals = TerminationSignals.Register(interruption);
        if (watchOutput)
        {
            OutputWatch.Start(interruption);
        }

        using var context = new CliContext(parse);
        try
        {
            return await run(context, interruption.Token);
        }
        catch (Exception) when (interruption.ExitCode is { } code)
        {
            // Whatever the stop broke on its way out (a cancelled call, a write to the closed pipe) is no error: the
            // exit code says why rdev stopped (128+N for signal N).
            return code;
        }
        catch (Exception error)
        {
            return await Failures.ReportAsync(error);
        }
    }
}
