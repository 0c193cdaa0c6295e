using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Sandbox;

internal static class SandboxDeleteCommand
{
    private static readonly Argument<string> Id = new("ID") { Description = "Sandbox id" };

    public static Command Create()
    {
        var command = new Command("delete", "Delete a sandbox (its processes stop; its logs stay readable)") { Id };
        command.Aliases.Add("rm");
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var sandbox = await cli.Api.Sandboxes.DeleteAsync(new V1.DeleteSandboxRequest { Id = cli.Get(Id) }, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        cli.Out.Show(sandbox, () => SandboxViews.Details(sandbox));
        return ExitCodes.Ok;
    }
}
