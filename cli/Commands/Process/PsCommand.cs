using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Process;

internal static class PsCommand
{
    private static readonly Argument<string> Sandbox = ProcessArguments.Sandbox();
    private static readonly Option<string[]> Tags = new("--tag") { Description = "Only processes with this tag (repeatable)" };

    public static Command Create()
    {
        var command = new Command("ps", "List a sandbox's processes") { Sandbox, Tags };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var request = new V1.ListProcessesRequest { SandboxId = cli.Get(Sandbox) };
        request.Tags.Add(cli.Get(Tags) ?? []);
        var response = await cli.Api.Processes.ListAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        cli.Out.Show(response, () => ProcessViews.List(response.Processes));
        return ExitCodes.Ok;
    }
}
