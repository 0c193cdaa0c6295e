using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Process;

internal static class ProcessSignalCommand
{
    private static readonly Argument<string> Sandbox = ProcessArguments.Sandbox();
    private static readonly Argument<string> Name = ProcessArguments.Process();
    private static readonly Argument<string> Signal = new("SIGNAL") { Description = "Signal name, e.g. SIGHUP" };

    public static Command Create()
    {
        var command = new Command("signal", "Send a signal to a process's group") { Sandbox, Name, Signal };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var request = new V1.SignalProcessRequest { SandboxId = cli.Get(Sandbox), Name = cli.Get(Name), Signal = cli.Get(Signal) };
        var status = await cli.Api.Processes.SignalAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        cli.Out.Show(status, () => ProcessViews.Details(status));
        return ExitCodes.Ok;
    }
}
