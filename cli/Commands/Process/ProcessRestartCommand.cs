using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Process;

internal static class ProcessRestartCommand
{
    private static readonly Argument<string> Sandbox = ProcessArguments.Sandbox();
    private static readonly Argument<string> Name = ProcessArguments.Process();
    private static readonly Option<bool> Force = new("--force") { Description = "Kill instead of a graceful stop" };

    public static Command Create()
    {
        var command = new Command("restart", "Restart a process") { Sandbox, Name, Force };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var request = new V1.RestartProcessRequest { SandboxId = cli.Get(Sandbox), Name = cli.Get(Name), Force = cli.Get(Force) };
        var grace = request.Force ? TimeSpan.Zero : await StopGrace.OfAsync(cli.Api, request.SandboxId, request.Name, cancellationToken);
        var status = await cli.Api.Processes.RestartAsync(request, deadline: cli.Api.DeadlineAfter(grace), cancellationToken: cancellationToken);
        cli.Out.Show(status, () => ProcessViews.Details(status));
        return ExitCodes.Ok;
    }
}
