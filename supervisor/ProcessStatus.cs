namespace RemoteDev.Supervisor;

/// <summary>Immutable snapshot of one process. Maps onto <c>remotedev.v1.ProcessStatus</c>.</summary>
public sealed record ProcessStatus
{
    public required string Name { get; init; }

    public required ProcessState State { get; init; }

    public required HealthStatus Health { get; init; }

    /// <summary>Pid (and process group id) of the running child; null when none runs.</summary>
    public int? Pid { get; init; }

    public uint RestartCount { get; init; }

    /// <summary>Of the last exit; null while it never exited or when a signal ended it.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Signal name of the last exit (e.g. "SIGKILL"); null if none.</summary>
    public string? Signal { get; init; }

    public required string Reason { get; init; }

    public required DateTimeOffset Since { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The spec in force, its desired state as of now; values of secret-looking env keys redacted.</summary>
    public required ProcessSpec Spec { get; init; }

    /// <summary>Effective environment with secret-looking values redacted; filled only when asked for.</summary>
    public IReadOnlyDictionary<string, string>? EffectiveEnv { get; init; }

    /// <summary>Output held in the ring: [OutputStart, OutputEnd).</summary>
    public ulong OutputStart { get; init; }

    public ulong OutputEnd { get; init; }

    /// <summary>Changes whenever this process's output offset space restarts at 0.</summary>
    public required string OutputEpoch { get; init; }
}

/// <summary>One event of one process. Seq is monotonic across the supervisor.</summary>
public sealed record ProcessEvent
{
    public required ulong Seq { get; init; }

    public required ProcessEventKind Kind { get; init; }

    public required string Process { get; init; }

    public required ProcessState State { get; init; }

    public required ProcessState Previous { get; init; }

    public required string Reason { get; init; }

    public int? ExitCode { get; init; }

    public string? Signal { get; init; }

    public uint RestartCount { get; init; }

    public required DateTimeOffset Time { get; init; }

    public HealthStatus Health { get; init; }

    public int? Pid { get; init; }

    /// <summary>
    /// Where output ended: on <see cref="ProcessEventKind.Removed"/> the process's (nothing follows it); on the
    /// transition a run's exit causes (to Backoff, CrashLoop, Exited, Failed, Stopped, or Starting again), that run's,
    /// all of whose output is in the ring by then.
    /// </summary>
    public OutputPosition? OutputEnd { get; init; }
}

/// <summary>An offset in a process's output, in offset space <paramref name="Epoch"/>.</summary>
public readonly record struct OutputPosition(string Epoch, ulong Offset);

/// <summary>A record of a process's output stream: bytes or a gap.</summary>
public abstract record OutputRecord(ulong Offset);

/// <summary>
/// Bytes [Offset, Offset + Data.Length) of one stream kind. From an <see cref="OutputSubscription"/>, Data is valid
/// until that subscription's next read.
/// </summary>
public sealed record OutputChunk(ulong Offset, StreamKind Kind, ReadOnlyMemory<byte> Data) : OutputRecord(Offset);

/// <summary>[Offset, Offset + Length) was overwritten before this reader got it.</summary>
public sealed record OutputGap(ulong Offset, ulong Length) : OutputRecord(Offset);

/// <summary>CPU time and resident memory summed over a process group.</summary>
public sealed record ResourceUsage(TimeSpan CpuTime, ulong MemoryBytes, int ProcessCount);

/// <summary>Result of <see cref="ProcessSupervisor.WaitForStateAsync"/>.</summary>
public sealed record WaitResult(bool Reached, ProcessStatus Status, string LogTail);
