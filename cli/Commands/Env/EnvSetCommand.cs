using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Env;

internal static class EnvSetCommand
{
    private static readonly Argument<string> Sandbox = new("SANDBOX") { Description = "Sandbox id" };
    private static readonly Argument<string[]> Values = KeyValues.Argument("KEY=VALUE", "Variables to set");

    public static Command Create()
    {
        var command = new Command("set", "Set variables; processes reload per their env_reload; prints every name") { Sandbox, Values };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var request = new V1.SetEnvRequest { SandboxId = cli.Get(Sandbox) };
        request.Values.Add(KeyValues.ToDictionary(cli.Get(Values)));
        EnvCommand.Show(cli, await cli.Api.Env.SetAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken));
        return ExitCodes.Ok;
    }
}
