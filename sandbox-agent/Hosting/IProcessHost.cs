using RemoteDev.V1;
using S = RemoteDev.Supervisor;

namespace RemoteDev.Agent.Hosting;

/// <summary>
/// The agent's narrow view of the supervisor, in the link's own (proto) types. Operations throw
/// <see cref="ProcessHostException"/> with a gRPC status code for anything the caller got wrong.
/// </summary>
internal interface IProcessHost : IAsyncDisposable
{
    /// <summary>
    /// Converges the configured processes to <paramref name="configured"/>: adds new ones, reloads (and restarts)
    /// changed ones, removes configured ones that are absent. Runtime-added processes are left alone unless named.
    /// The whole set is validated first and rejected as one.
    /// </summary>
    Task ReconcileAsync(IReadOnlyList<ProcessSpec> configured, CancellationToken cancellationToken);

    Task<ProcessStatus> AddAsync(ProcessSpec spec, CancellationToken cancellationToken);

    Task RemoveAsync(string name, CancellationToken cancellationToken);

    Task<ProcessStatus> StartAsync(string name, CancellationToken cancellationToken);

    Task<ProcessStatus> StopAsync(string name, TimeSpan? grace, CancellationToken cancellationToken);

    Task<ProcessStatus> RestartAsync(string name, bool force, CancellationToken cancellationToken);

    Task<ProcessStatus> ReloadAsync(ProcessSpec spec, bool restartNow, CancellationToken cancellationToken);

    Task SignalAsync(string name, string signal, CancellationToken cancellationToken);

    Task WriteStdinAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    Task CloseStdinAsync(string name, CancellationToken cancellationToken);

    Task ResizeAsync(string name, TerminalSize size, CancellationToken cancellationToken);

    IReadOnlyList<ProcessStatus> List(IReadOnlyCollection<string> tags);

    ProcessStatus Get(string name, bool includeEnv);

    Task<ProcessStatus> WaitAsync(string name, ProcessState state, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Every process transition from now on. Each subscriber gets its own bounded feed.</summary>
    EventSubscription SubscribeEvents();

    /// <summary>The sequence number of the last process event published (0 before any).</summary>
    ulong LastEventSeq { get; }

    /// <summary>What is held of each process's output right now.</summary>
    IReadOnlyList<OutputHolding> Holdings();

    /// <summary>Reads one process's output from <paramref name="offset"/> in epoch <paramref name="epoch"/>.</summary>
    IOutputReader OpenOutput(string process, string epoch, ulong offset);

    /// <summary>CPU time and memory of the process group's current run; null when none runs.</summary>
    (ulong CpuUsec, ulong MemoryBytes)? Usage(string name);

    /// <summary>Sets variables in the global env file; processes reload per their env reload setting.</summary>
    IReadOnlyList<string> SetEnv(IReadOnlyDictionary<string, string> values);

    IReadOnlyList<string> UnsetEnv(IReadOnlyCollection<string> names);

    /// <summary>Makes the global env file hold exactly these values.</summary>
    void ReplaceEnv(IReadOnlyDictionary<string, string> values);

    /// <summary>Inherited environment, then the global env file, then <paramref name="commandEnv"/>.</summary>
    IReadOnlyDictionary<string, string> CommandEnv(IReadOnlyDictionary<string, string> commandEnv);

    /// <summary>
    /// Starts a one-shot command in its own session and process group, outside supervision; its leader is reaped
    /// when it ends, what it left running in its group is not killed. FAILED_PRECONDITION when it cannot be executed.
    /// </summary>
    S.OneShotProcess StartCommand(S.OneShotCommand command);

    /// <summary>Stops everything in reverse dependency order within the shutdown grace, then kills what remains.</summary>
    Task ShutdownAsync(TimeSpan grace, CancellationToken cancellationToken);
}
