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

    public required string DataDir { get; init; }

    public required string LogDir { get; init; }

    public required string CtlSocketPath { get; init; }

    /// <summary>Directory of the global env file (`.env`) and the per-process `.env.&lt;name&gt;` files.</summary>
    public string EnvDir => Path.Combine(DataDir, "env");

    public string StateDir => Path.Combine(DataDir, "state");

    public required string WorkspaceDir { get; init; }
}
