namespace RemoteDev.Supervisor;

/// <summary>Supervisor-wide settings. Defaults are the documented product defaults.</summary>
public sealed record SupervisorOptions
{
    /// <summary>Holds the durable state file (<c>state.json</c>) and the <c>logs/</c> folder.</summary>
    public required string StateDirectory { get; init; }

    /// <summary>Holds the global env file and the per-process <c>.env.&lt;name&gt;</c> files.</summary>
    public required string EnvDirectory { get; init; }

    /// <summary>Default cwd of processes that set none.</summary>
    public required string WorkspaceDirectory { get; init; }

    public const string DefaultGlobalEnvFileName = ".env";

    public string GlobalEnvFileName { get; init; } = DefaultGlobalEnvFileName;

    public ulong DefaultOutputBufferBytes { get; init; } = 1024 * 1024;

    /// <summary>A log file rotates when it reaches this size.</summary>
    public long LogFileMaxBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Rotated files kept per process, the current one included.</summary>
    public int LogFileCount { get; init; } = 4;

    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Written to each child's <c>/proc/PID/oom_score_adj</c> so a runaway tool is the OOM victim. Null: untouched.</summary>
    public int? ChildOomScoreAdj { get; init; } = 500;

    /// <summary>Per-subscriber bound of undelivered events; beyond it the subscriber is told it lost events.</summary>
    public int EventSubscriberCapacity { get; init; } = 4096;
}
