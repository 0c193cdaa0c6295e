namespace RemoteDev.Agent.Configuration;

/// <summary>The agent's configuration, read once from the environment (see <see cref="AgentEnvironment"/>).</summary>
internal sealed record AgentOptions
{
    public required Uri ControlPlaneUrl { get; init; }

    public required string SandboxId { get; init; }

    /// <summary>Never logged.</summary>
    public required string AgentToken { get; init; }

    /// <summary>Initial process file: a JSON list of ProcessSpec in proto JSON form. Null: no initial processes.</summary>
    public required string? ProcessFile { get; init; }

    /// <summary>
    /// The sandbox env a driver hands a new agent (a JSON object of strings in REMOTEDEV_INITIAL_ENV_FILE): it seeds
    /// the global env file on a first start, so initial processes start with it. Values may be secrets: never logged.
    /// </summary>
    public required IReadOnlyDictionary<string, string> InitialEnv { get; init; }

    /// <summary>The global env file the supervisor reads (its default name inside <see cref="EnvDir"/>).</summary>
    public string GlobalEnvFile => Path.Combine(EnvDir, Supervisor.SupervisorOptions.DefaultGlobalEnvFileName);

    public required string DataDir { get; init; }

    public required string LogDir { get; init; }

    public required string CtlSocketPath { get; init; }

    /// <summary>Directory of the global env file (`.env`) and the per-process `.env.&lt;name&gt;` files.</summary>
    public string EnvDir => Path.Combine(DataDir, "env");

    public string StateDir => Path.Combine(DataDir, "state");

    public required string WorkspaceDir { get; init; }
}
