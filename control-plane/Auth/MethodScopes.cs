using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Auth;

internal enum MethodAccess
{
    /// <summary>No credentials (health, reflection).</summary>
    Public,
    /// <summary>An agent token, verified by the gateway against the sandbox named in the hello.</summary>
    AgentToken,
    /// <summary>An API key of at least the method's scope.</summary>
    ApiKey,
}

internal readonly record struct MethodRequirement(MethodAccess Access, Scope Scope);

/// <summary>Which credential every gRPC method needs. Methods not listed need an ADMIN key (fail closed).</summary>
internal static class MethodScopes
{
    private static readonly MethodRequirement AdminKey = new(MethodAccess.ApiKey, Scope.Admin);

    private static readonly string[] PublicServices =
    [
        "/grpc.health.v1.Health/",
        "/grpc.reflection.v1alpha.ServerReflection/",
        "/grpc.reflection.v1.ServerReflection/",
    ];

    private static readonly Dictionary<string, MethodRequirement> Table = Build();

    public static MethodRequirement For(string method)
    {
        if (Table.TryGetValue(method, out var requirement))
        {
            return requirement;
        }

        return PublicServices.Any(p => method.StartsWith(p, StringComparison.Ordinal))
            ? new MethodRequirement(MethodAccess.Public, Scope.Unspecified)
            : AdminKey;
    }

    /// <summary>The operator methods of the contract and their scopes (for tests and documentation).</summary>
    public static IReadOnlyDictionary<string, MethodRequirement> All => Table;

    private static Dictionary<string, MethodRequirement> Build()
    {
        var table = new Dictionary<string, MethodRequirement>(StringComparer.Ordinal);
        void Add(string service, Scope scope, params string[] methods)
        {
            foreach (var m in methods)
            {
                table.Add($"/remotedev.v1.{service}/{m}", new MethodRequirement(MethodAccess.ApiKey, scope));
            }
        }

        Add("Sandboxes", Scope.Read, "Get", "List", "Watch");
        Add("Sandboxes", Scope.Execute, "Create", "Delete");
        // Attach with input and Get with include_env need EXECUTE: checked by their handlers, which see the messages.
        Add("Processes", Scope.Read, "List", "Get", "Logs", "Attach");
        Add("Processes", Scope.Execute, "Add", "Start", "Stop", "Restart", "Signal", "Remove", "Reload", "Exec");
        Add("Files", Scope.Execute, "Write", "Read");
        Add("Env", Scope.Execute, "Set", "Unset", "List");
        Add("ApiKeys", Scope.Admin, "Create", "List", "Revoke");
        table.Add("/remotedev.v1.AgentGateway/Connect", new MethodRequirement(MethodAccess.AgentToken, Scope.Unspecified));
        return table;
    }
}
