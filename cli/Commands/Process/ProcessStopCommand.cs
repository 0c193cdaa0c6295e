using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Process;

internal static class ProcessStopCommand
{
    private static readonly Argument<string> Sandbox = ProcessArguments.Sandbox();
    private static readonly Argument<string> Name = ProcessArguments.Process();
    private static readonly Option<TimeSpan?> Grace = new("--grace")
    {
        Description = "Wait this long after the stop signal before SIGKILL (default: the process's stop_grace)",
        CustomParser = r => Parsers.Duration(r),
    };

    public static Command Create()
    {
        var command = new Command("stop", "Stop a process (it stays stopped)") { Sandbox, Name, Grace };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var request = new V1.StopProcessRequest { SandboxId = cli.Get(Sandbox), Name = cli.Get(Name) };
        if (cli.Parse.GetValue(Grace) is { } given)
        {
            request.Grace = Duration.FromTimeSpan(given);
        }

        var grace = request.Grace?.ToTimeSpan() ?? await StopGrace.OfAsync(cli.Api, request.SandboxId, request.Name, cancellationToken);
        var status = await cli.Api.Processes.StopAsync(request, deadline: cli.Api.DeadlineAfter(grace), cancellationToken: cancellationToken);
        cli.Out.Show(status, () => ProcessViews.Details(status));
        return ExitCodes.Ok;
    }
}
