using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.ApiKeys;

internal static class ApiKeyRevokeCommand
{
    private static readonly Argument<string> Id = new("ID") { Description = "API key id" };

    public static Command Create()
    {
        var command = new Command("revoke", "Revoke an API key") { Id };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var key = await cli.Api.ApiKeys.RevokeAsync(new V1.RevokeApiKeyRequest { Id = cli.Get(Id) }, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        cli.Out.Show(key, () => ApiKeyCommand.Table([key]));
        return ExitCodes.Ok;
    }
}
