using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.ApiKeys;

internal static class ApiKeyListCommand
{
    public static Command Create()
    {
        var command = new Command("list", "List API keys (never their secrets)");
        command.Aliases.Add("ls");
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var response = await cli.Api.ApiKeys.ListAsync(new V1.ListApiKeysRequest(), deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        cli.Out.Show(response, () => ApiKeyCommand.Table(response.Keys));
        return ExitCodes.Ok;
    }
}
