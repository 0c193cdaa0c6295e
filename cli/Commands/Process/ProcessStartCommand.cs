using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Process;

internal static class ProcessStartCommand
{
    private static readonly Argument<string> Sandbox = ProcessArguments.Sandbox();
    private static readonly Argument<string> Name = ProcessArguments.Process();

    public static Command Create()
    {
        var command = new Command("start", "Start a stopped process") { Sandbox, Name };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var status = await cli.Api.Processes.StartAsync(new V1.ProcessRef { SandboxId = cli.Get(Sandbox), Name = cli.Get(Name) }, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        cli.Out.Show(status, () => ProcessViews.Details(status));
        return ExitCodes.Ok;
    }
}
