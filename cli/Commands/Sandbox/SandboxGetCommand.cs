using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Sandbox;

internal static class SandboxGetCommand
{
    private static readonly Argument<string> Id = new("ID") { Description = "Sandbox id" };

    public static Command Create()
    {
        var command = new Command("get", "Show one sandbox and its processes") { Id };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var sandbox = await cli.Api.Sandboxes.GetAsync(new V1.GetSandboxRequest { Id = cli.Get(Id) }, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        cli.Out.Show(sandbox, () => SandboxViews.Details(sandbox));
        return ExitCodes.Ok;
    }
}
