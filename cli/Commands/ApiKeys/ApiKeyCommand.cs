using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using Spectre.Console.Rendering;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.ApiKeys;

internal static class ApiKeyCommand
{
    public static Command Create() => new("apikey", "Create, list and revoke API keys (needs an admin key)")
    {
        ApiKeyCreateCommand.Create(),
        ApiKeyListCommand.Create(),
        ApiKeyRevokeCommand.Create(),
    };

    public static IRenderable Table(IEnumerable<V1.ApiKey> keys)
    {
        var table = Tables.Create("ID", "NAME", "SCOPE", "PROJECT", "CREATED", "EXPIRES", "REVOKED");
        foreach (var k in keys)
        {
            table.Row(k.Id, k.Name, Tables.Enum(k.Scope, "SCOPE_"), k.Project, Tables.Time(k.CreatedAt), Tables.Time(k.ExpiresAt), k.Revoked ? "yes" : "no");
        }

        return table;
    }
}
