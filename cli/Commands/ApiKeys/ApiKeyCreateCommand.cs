using System.CommandLine;
using Google.Protobuf.WellKnownTypes;
using RemoteDev.Cli.Infrastructure;
using Spectre.Console;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.ApiKeys;

internal static class ApiKeyCreateCommand
{
    private static readonly Dictionary<string, V1.Scope> Scopes = new(StringComparer.Ordinal)
    {
        ["read"] = V1.Scope.Read,
        ["execute"] = V1.Scope.Execute,
        ["admin"] = V1.Scope.Admin,
    };

    private static readonly Argument<string> Name = new("NAME") { Description = "A name for the key" };
    private static readonly Option<string> Scope = new("--scope") { Description = "read, execute or admin", Required = true };
    private static readonly Option<string> Project = new("--project") { Description = "Restrict the key to one project", DefaultValueFactory = _ => "" };
    private static readonly Option<TimeSpan?> ExpiresIn = new("--expires-in") { Description = "Expire after this long (e.g. 24h)", CustomParser = r => Parsers.Duration(r) };

    public static Command Create()
    {
        Scope.AcceptOnlyFromAmong([.. Scopes.Keys]);
        var command = new Command("create", "Create an API key; its token is printed once") { Name, Scope, Project, ExpiresIn };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var request = new V1.CreateApiKeyRequest { Name = cli.Get(Name), Scope = Scopes[cli.Get(Scope)], Project = cli.Get(Project) };
        if (cli.Parse.GetValue(ExpiresIn) is { } expiresIn)
        {
            request.ExpiresAt = Timestamp.FromDateTime(DateTime.UtcNow + expiresIn);
        }

        var created = await cli.Api.ApiKeys.CreateAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        cli.Out.Show(created, () => new Rows(ApiKeyCommand.Table([created.Key]), new Text($"token (shown once): {created.Token}")));
        return ExitCodes.Ok;
    }
}
