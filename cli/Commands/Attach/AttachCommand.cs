using System.CommandLine;
using RemoteDev.Cli.Infrastructure;

namespace RemoteDev.Cli.Commands.Attach;

/// <summary>
/// rdev attach SANDBOX PROCESS: the process's output byte-exact on stdout, local stdin forwarded. Ends when the
/// process ends (exit code: the process's), on Ctrl-P Ctrl-Q at a terminal in raw mode (a process with a terminal), or
/// on Ctrl-C otherwise (130). Detaching never stops the process.
/// </summary>
internal static class AttachCommand
{
    private static readonly Argument<string> Sandbox = new("SANDBOX") { Description = "Sandbox id" };
    private static readonly Argument<string> Process = new("PROCESS") { Description = "Process name" };
    private static readonly Option<ulong?> Tail = new("--tail") { Description = "First replay the last BYTES bytes of output", HelpName = "BYTES" };
    private static readonly Option<ulong?> Offset = new("--offset") { Description = "First replay output from this offset" };
    private static readonly Option<bool> NoStdin = new("--no-stdin") { Description = "Do not forward local stdin" };

    public static Command Create()
    {
        var command = new Command("attach", "Attach to a running process (detach from a terminal with Ctrl-P Ctrl-Q)") { Sandbox, Process, Tail, Offset, NoStdin };
        command.Validators.Add(result =>
        {
            if (result.GetResult(Tail) is not null && result.GetResult(Offset) is not null)
            {
                result.AddError("--tail and --offset: give at most one");
            }
        });
        CliAction.SetStreaming(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var input = cli.Get(NoStdin) ? LocalInput.None : Console.IsInputRedirected ? LocalInput.Pipe : LocalInput.Terminal;
        var settings = new AttachSettings(cli.Get(Sandbox), cli.Get(Process), cli.Parse.GetValue(Tail), cli.Parse.GetValue(Offset), input);
        using var std = new StdStreams();
        var session = new AttachSession(cli.Api, settings, std);
        return await session.RunAsync(cancellationToken);
    }
}
