using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Env;

internal static class EnvListCommand
{
    private static readonly Argument<string> Sandbox = new("SANDBOX") { Description = "Sandbox id" };

    public static Command Create()
    {
        var command = new Command("list", "List the names of the sandbox's global variables") { Sandbox };
        command.Aliases.Add("ls");
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var request = new V1.ListEnvRequest { SandboxId = cli.Get(Sandbox) };
        EnvCommand.Show(cli, await cli.Api.Env.ListAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken));
        return ExitCodes.Ok;
    }
}
