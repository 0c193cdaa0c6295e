using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Env;

internal static class EnvUnsetCommand
{
    private static readonly Argument<string> Sandbox = new("SANDBOX") { Description = "Sandbox id" };
    private static readonly Argument<string[]> Names = new("KEY") { Description = "Variables to remove", Arity = ArgumentArity.OneOrMore };

    public static Command Create()
    {
        var command = new Command("unset", "Remove variables; prints the remaining names") { Sandbox, Names };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var request = new V1.UnsetEnvRequest { SandboxId = cli.Get(Sandbox) };
        request.Names.Add(cli.Get(Names));
        EnvCommand.Show(cli, await cli.Api.Env.UnsetAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken));
        return ExitCodes.Ok;
    }
}
