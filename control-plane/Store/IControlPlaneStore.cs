namespace RemoteDev.ControlPlane.Store;

/// <summary>The control plane's durable state. Every method returns only after its change is committed.</summary>
internal interface IControlPlaneStore : IAsyncDisposable
{
    StoreKind Kind { get; }

    ISandboxStore Sandboxes { get; }

    IOutputStore Output { get; }

    IApiKeyStore ApiKeys { get; }

    IAgentTokenStore AgentTokens { get; }

    /// <summary>Applies pending numbered migrations (idempotent); call once at startup before anything else.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Versions recorded in schema_migrations, ascending.</summary>
    Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken cancellationToken);
}
