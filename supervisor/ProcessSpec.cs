namespace RemoteDev.Supervisor;

/// <summary>What to run and how to supervise it. Maps 1:1 onto <c>remotedev.v1.ProcessSpec</c>.</summary>
public sealed record ProcessSpec
{
    /// <summary>Unique within a supervisor: <c>[A-Za-z0-9][A-Za-z0-9_.-]{0,62}</c>.</summary>
    public required string Name { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Executable, looked up on the effective PATH when it has no slash.</summary>
    public required string Command { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Working directory; null means <see cref="SupervisorOptions.WorkspaceDirectory"/>.</summary>
    public string? Cwd { get; init; }

    /// <summary>Definition env: highest precedence.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra dotenv files, applied after the per-process <c>.env.&lt;name&gt;</c> file.</summary>
    public IReadOnlyList<string> EnvFiles { get; init; } = [];

    public bool CleanEnv { get; init; }

    public bool SkipGlobalEnvFile { get; init; }

    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.Always;

    /// <summary>Null: fixed 1 s.</summary>
    public BackoffSpec? Backoff { get; init; }

    /// <summary>A run at least this long resets the failure count. Null: 10 s.</summary>
    public TimeSpan? MinUptime { get; init; }

    /// <summary>Null: 5 restarts within 60 s pause the process for 60 s.</summary>
    public CrashLoopSpec? CrashLoop { get; init; }

    /// <summary>Restarts allowed in total before the process ends <see cref="ProcessState.Failed"/>. 0: unlimited.</summary>
    public uint MaxRestarts { get; init; }

    public IReadOnlyList<int> PermanentFailureExitCodes { get; init; } = [];

    /// <summary>Signal name (e.g. "SIGINT") sent to the process group on stop. Null: SIGTERM.</summary>
    public string? StopSignal { get; init; }

    /// <summary>Null: 5 s.</summary>
    public TimeSpan? StopGrace { get; init; }

    public DesiredState DesiredState { get; init; } = DesiredState.Running;

    public IReadOnlyList<DependencySpec> DependsOn { get; init; } = [];

    public HealthCheckSpec? HealthCheck { get; init; }

    /// <summary>Present: run on a PTY of this size; null: pipes.</summary>
    public TerminalSize? Terminal { get; init; }

    /// <summary>Keep stdin open for writes (pipes mode); a PTY always accepts input.</summary>
    public bool StdinOpen { get; init; }

    /// <summary>Runtime-added durable processes survive a supervisor restart.</summary>
    public bool Durable { get; init; }

    /// <summary>Null: debounce 5 s.</summary>
    public EnvReloadSpec? EnvReload { get; init; }

    public bool Required { get; init; }

    /// <summary>Output ring size in bytes. 0: <see cref="SupervisorOptions.DefaultOutputBufferBytes"/>.</summary>
    public ulong OutputBufferBytes { get; init; }
}

/// <summary>Delay between restarts.</summary>
public abstract record BackoffSpec;

public sealed record FixedBackoff(TimeSpan Delay) : BackoffSpec;

/// <summary>delay = initial × multiplier ^ consecutive failures, capped at max.</summary>
public sealed record ExponentialBackoff(TimeSpan Initial, double Multiplier, TimeSpan Max) : BackoffSpec;

/// <summary>MaxRestarts restarts within Window pause the process for Pause.</summary>
public sealed record CrashLoopSpec(uint MaxRestarts, TimeSpan Window, TimeSpan Pause);

public abstract record DependencySpec;

public sealed record ProcessDependency(string Name, DependencyCondition Condition) : DependencySpec;

/// <summary>Wait until a file exists; the dependent fails when it does not appear within Timeout.</summary>
public sealed record FileDependency(string Path, TimeSpan Timeout) : DependencySpec;

public sealed record TerminalSize(ushort Rows, ushort Cols);

/// <summary>How a change of the effective environment restarts the process.</summary>
public abstract record EnvReloadSpec;

/// <summary>Restart this long after the last change (debounced). Zero: at once.</summary>
public sealed record EnvReloadAfter(TimeSpan Delay) : EnvReloadSpec;

/// <summary>Never restart on env change; the new env applies at the next restart.</summary>
public sealed record EnvReloadOff : EnvReloadSpec;
