using Microsoft.Extensions.Logging;
using RemoteDev.Supervisor.Env;
using RemoteDev.Supervisor.Events;
using RemoteDev.Supervisor.Native;
using RemoteDev.Supervisor.Output;
using RemoteDev.Supervisor.Persistence;
using RemoteDev.Supervisor.Specs;
using RemoteDev.Supervisor.Supervision;

namespace RemoteDev.Supervisor;

/// <summary>
/// Supervises every process of a sandbox. Thread-safe. Processes come from <see cref="ReconcileAsync"/> (the
/// configured set: absent ones are removed) or <see cref="AddAsync"/> (runtime-added: kept until removed; durable
/// ones survive a supervisor restart). Dispose (or <see cref="ShutdownAsync"/>) stops everything.
/// </summary>
public sealed partial class ProcessSupervisor : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly object _entriesLock = new();
    private readonly SupervisorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IoLoop _io;
    private readonly EventHub _events;
    private readonly EnvResolver _env;
    private readonly EnvWatch _envWatch;
    private readonly StateStore _state;
    private readonly ProcessContext _ctx;
    private TaskCompletionSource _membership = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _reconciled;
    private int _shutdown;

    private ProcessSupervisor(SupervisorOptions options, ILoggerFactory loggerFactory, TimeProvider time)
    {
        _options = options;
        _time = time;
        _logger = loggerFactory.CreateLogger("RemoteDev.Supervisor");
        Directory.CreateDirectory(options.StateDirectory);
        Directory.CreateDirectory(options.EnvDirectory);
        _io = new IoLoop();
        _events = new EventHub(options.EventSubscriberCapacity);
        var cache = new EnvFileCache();
        _env = new EnvResolver(cache, options.EnvDirectory, options.GlobalEnvFileName);
        _state = new StateStore(Path.Combine(options.StateDirectory, "state.json"));
        _ctx = new ProcessContext(options, Leftovers.Identity(options.StateDirectory), time, _logger, _io, _events, _env, RefreshUnwatchedEnv, Find, NextMembershipChange, ConfiguredSetKnown, SaveDurable);
        try
        {
            _envWatch = new EnvWatch(_io, cache, _logger, EnvReaders);
        }
        catch (SupervisorStartException)
        {
            _io.Dispose();
            throw;
        }

        _envWatch.WatchFiles([_env.GlobalFile]);
    }

    /// <summary>Starts the supervisor and brings back the durable runtime-added processes of the last run.</summary>
    public static async Task<ProcessSupervisor> StartAsync(
        SupervisorOptions options, ILoggerFactory loggerFactory, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var supervisor = new ProcessSupervisor(options, loggerFactory, timeProvider);
        try
        {
            await supervisor.StopLeftoversAsync().ConfigureAwait(false);
            var durable = DurableSet.Restore(supervisor._state.Load());
            var logs = await supervisor.OpenLogsAsync(durable).ConfigureAwait(false);
            var actors = durable.Select((spec, i) => supervisor.Create(spec, logs[i], runtime: true)).ToList();
            foreach (var actor in actors)
            {
                actor.Start();
            }

            await Task.WhenAll(actors.Select(a => a.Initialized)).WaitAsync(cancellationToken).ConfigureAwait(false);
            SupervisorLog.StateRestored(supervisor._logger, durable.Count, supervisor._state.Path);
            return supervisor;
        }
        catch
        {
            await supervisor.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Adds a runtime process and starts it unless its desired state is stopped; returns after that first step
    /// (Running, Pending, Failed or Stopped). Adding a process that already exists with the very same spec returns its
    /// status (an add that races a reconcile of the same desired state is not an error); another spec is a duplicate.
    /// </summary>
    public async Task<ProcessStatus> AddAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var existing = Snapshot();
            var named = existing.FirstOrDefault(e => e.Actor.Name == spec.Name);
            if (named is not null && SpecEquality.Same(named.Actor.Status.Spec, spec))
            {
                return named.Actor.Describe(includeEnv: false);
            }

            var problems = named is not null ? [$"duplicate name '{spec.Name}'"] : new List<string>();
            try
            {
                SpecValidator.Validate([spec], [.. existing.Select(e => e.Actor.Status.Spec), spec]);
            }
            catch (SpecValidationException e)
            {
                problems.AddRange(e.Problems);
            }

            if (problems.Count > 0)
            {
                throw new SpecValidationException(problems);
            }

            var actor = Create(spec, OpenLog(spec), runtime: true);
            try
            {
                SaveDurable(actor);
            }
            catch (IOException)
            {
                await UnregisterAsync(actor).ConfigureAwait(false);
                throw;
            }

            actor.Start();
            await actor.Initialized.WaitAsync(cancellationToken).ConfigureAwait(false);
            return actor.Describe(includeEnv: false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the process (its spec's grace) and forgets it. Rejected while another process depends on it.</summary>
    public async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var dependents = Snapshot()
                .Where(e => e.Actor.Status.Spec.DependsOn.OfType<ProcessDependency>().Any(d => d.Name == name))
                .Select(e => $"'{name}' is a dependency of '{e.Actor.Name}'")
                .ToList();
            if (dependents.Count > 0)
            {
                throw new SpecValidationException(dependents);
            }

            await RemoveCoreAsync(Get(name), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<ProcessStatus> StartAsync(string name, CancellationToken cancellationToken) =>
        Redacted(Get(name).SendAsync(new StartCommand(), cancellationToken));

    /// <summary>Stops the process group (stop signal, then SIGKILL after the grace) and returns once it is down.</summary>
    public Task<ProcessStatus> StopAsync(string name, TimeSpan? grace, CancellationToken cancellationToken) =>
        Redacted(Get(name).SendAsync(new StopCommand(grace), cancellationToken));

    /// <summary>
    /// Restarts a running process at once (its stop signal and grace, then a new run); force also ends a pending backoff
    /// or crash-loop pause. Returns once the new run has begun, so the status carries its pid.
    /// </summary>
    public Task<ProcessStatus> RestartAsync(string name, bool force, CancellationToken cancellationToken) =>
        Redacted(Get(name).SendAsync(new RestartCommand(force), cancellationToken));

    /// <summary>Replaces the spec of an existing process; it applies at once with restartNow, else at the next start.</summary>
    public async Task<ProcessStatus> ReloadAsync(ProcessSpec spec, bool restartNow, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var actor = Get(spec.Name);
            SpecValidator.Validate([spec], [.. Snapshot().Where(e => e.Actor != actor).Select(e => e.Actor.Status.Spec), spec]);
            _envWatch.WatchFiles(_env.FilesOf(spec, _options.WorkspaceDirectory));
            var status = await actor.SendAsync(new ReloadCommand(spec, restartNow), cancellationToken).ConfigureAwait(false);
            SaveDurable(actor);
            return Redaction.Redact(status);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends a signal ("SIGHUP", "HUP" or "1") to the whole process group.</summary>
    public Task<ProcessStatus> SignalAsync(string name, string signal, CancellationToken cancellationToken) =>
        Redacted(Get(name).SendAsync(new SignalCommand(Signals.Parse(signal)), cancellationToken));

    public Task WriteStdinAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        Get(name).WriteStdinAsync(data, cancellationToken);

    /// <summary>Pipes: closes stdin (the child reads EOF). PTY: sends EOT (^D).</summary>
    public Task CloseStdinAsync(string name, CancellationToken cancellationToken) =>
        Get(name).CloseStdinAsync(cancellationToken);

    public void Resize(string name, TerminalSize size) => Get(name).Resize(size);

    /// <summary>Every process, or those carrying at least one of <paramref name="tags"/> when it is not empty.</summary>
    public IReadOnlyList<ProcessStatus> List(IReadOnlyCollection<string> tags) =>
        Snapshot()
            .Select(e => e.Actor.Describe(includeEnv: false))
            .Where(s => tags.Count == 0 || s.Spec.Tags.Any(tags.Contains))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>One process; with includeEnv its effective env, secret-looking values redacted.</summary>
    public ProcessStatus Get(string name, bool includeEnv) => Get(name).Describe(includeEnv);

    /// <summary>CPU time and RSS summed over the process group of the current run (zero when none runs).</summary>
    public ResourceUsage GetResourceUsage(string name) =>
        Get(name).Status.Pid is { } pid ? ResourceReader.Read(pid) : new ResourceUsage(TimeSpan.Zero, 0, 0);

    private static async Task<ProcessStatus> Redacted(Task<ProcessStatus> reply) => Redaction.Redact(await reply.ConfigureAwait(false));

    private ProcessActor Get(string name) => Find(name) ?? throw new ProcessNotFoundException(name);

    private ProcessActor? Find(string name)
    {
        lock (_entriesLock)
        {
            return _entries.TryGetValue(name, out var entry) ? entry.Actor : null;
        }
    }

    private void RefreshUnwatchedEnv(ProcessSpec spec) => _envWatch.RefreshUnwatched(_env.FilesOf(spec, _options.WorkspaceDirectory));

    /// <summary>Completes when the next process is registered or removed.</summary>
    private Task NextMembershipChange() => Volatile.Read(ref _membership).Task;

    private void MembershipChanged() =>
        Interlocked.Exchange(ref _membership, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>True once a reconcile brought the configured set: a process missing after that is not coming.</summary>
    private bool ConfiguredSetKnown() => Volatile.Read(ref _reconciled) == 1;

    private List<Entry> Snapshot()
    {
        lock (_entriesLock)
        {
            return [.. _entries.Values];
        }
    }

    private sealed record Entry(ProcessActor Actor, bool Runtime);
}
