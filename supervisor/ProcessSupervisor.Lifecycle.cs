using RemoteDev.Supervisor.Env;
using RemoteDev.Supervisor.Native;
using RemoteDev.Supervisor.Output;
using RemoteDev.Supervisor.Persistence;
using RemoteDev.Supervisor.Specs;
using RemoteDev.Supervisor.Supervision;

namespace RemoteDev.Supervisor;

/// <summary>Reconcile, removal, durable state, leftovers of an earlier run, the global env file and shutdown.</summary>
public sealed partial class ProcessSupervisor
{
    /// <summary>
    /// Converges the configured set to <paramref name="desired"/>: adds new specs, reloads changed ones (restarting
    /// them now), removes configured processes that are absent. Runtime-added processes are left alone unless named.
    /// </summary>
    public async Task<ReconcileResult> ReconcileAsync(IReadOnlyList<ProcessSpec> desired, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var names = desired.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            var current = Snapshot();
            var absent = current.Where(e => !e.Runtime && !names.Contains(e.Actor.Name)).ToList();
            var kept = current.Where(e => !names.Contains(e.Actor.Name) && !absent.Contains(e)).Select(e => e.Actor.Status.Spec);
            SpecValidator.Validate(desired, [.. kept, .. desired]);

            // The whole new set is registered before any of it starts, so a dependency listed after its dependent is found;
            // and only once all its logs are open, so a reconcile that fails registers none of it.
            var fresh = desired.Where(s => current.All(e => e.Actor.Name != s.Name)).ToList();
            var logs = await OpenLogsAsync(fresh).ConfigureAwait(false);
            var added = fresh.Select((s, i) => Create(s, logs[i], runtime: false)).ToList();
            foreach (var actor in added)
            {
                actor.Start();
            }

            // Waiters for a process the configured set does not bring learn it now, even when nothing was added or removed.
            Volatile.Write(ref _reconciled, 1);
            MembershipChanged();

            var reloaded = new List<string>();
            var unchanged = new List<string>();
            foreach (var spec in desired)
            {
                var existing = current.FirstOrDefault(e => e.Actor.Name == spec.Name);
                if (existing is null)
                {
                    continue;
                }

                lock (_entriesLock)
                {
                    _entries[spec.Name] = existing with { Runtime = false };
                }

                if (ProcessFile.SameSpec(existing.Actor.Status.Spec with { DesiredState = spec.DesiredState }, spec))
                {
                    unchanged.Add(spec.Name);
                    continue;
                }

                _envWatch.WatchFiles(_env.FilesOf(spec, _options.WorkspaceDirectory));
                await existing.Actor.SendAsync(new ReloadCommand(spec, RestartNow: true), cancellationToken).ConfigureAwait(false);
                reloaded.Add(spec.Name);
            }

            foreach (var entry in absent)
            {
                await RemoveCoreAsync(entry.Actor, cancellationToken).ConfigureAwait(false);
            }

            SaveDurable(null);
            return new ReconcileResult(added.Select(a => a.Name).ToList(), reloaded, absent.Select(e => e.Actor.Name).ToList(), unchanged);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Sets variables in the global env file (atomically); affected processes reload per their reloadDelay, and what
    /// starts after this returns sees them.
    /// </summary>
    public void SetGlobalEnv(IReadOnlyDictionary<string, string> values)
    {
        GlobalEnvFile.Edit(_env.GlobalFile, values, []);
        _envWatch.Refresh(_env.GlobalFile);
    }

    /// <summary>Removes variables from the global env file; what starts after this returns no longer sees them.</summary>
    public void UnsetGlobalEnv(IReadOnlyCollection<string> names)
    {
        GlobalEnvFile.Edit(_env.GlobalFile, new Dictionary<string, string>(), names);
        _envWatch.Refresh(_env.GlobalFile);
    }

    public IReadOnlyList<string> ListGlobalEnvNames() => GlobalEnvFile.Names(_env.GlobalFile);

    /// <summary>The environment a one-shot command in this sandbox runs with (the global env file applies, as to processes).</summary>
    public IReadOnlyDictionary<string, string> CommandEnvironment(IReadOnlyDictionary<string, string> commandEnv) =>
        _env.ResolveCommand(commandEnv);

    /// <summary>Shuts down within <see cref="SupervisorOptions.ShutdownGrace"/>; see the overload with a grace.</summary>
    public Task ShutdownAsync(CancellationToken cancellationToken) => ShutdownAsync(_options.ShutdownGrace, cancellationToken);

    /// <summary>
    /// Stops everything in reverse dependency order (dependents first) within <paramref name="grace"/>, SIGKILLing
    /// what remains at the deadline, then releases all resources. Idempotent.
    /// </summary>
    public async Task ShutdownAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, TimeSpan.Zero);
        if (Interlocked.Exchange(ref _shutdown, 1) == 1)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var deadline = _time.GetUtcNow() + grace;
        var entries = Snapshot();
        SupervisorLog.ShuttingDown(_logger, entries.Count, grace);
        foreach (var level in ShutdownLevels(entries.Select(e => e.Actor).ToList()))
        {
            // Each process gets its own stop grace before SIGKILL, cut short by what is left of the shutdown grace.
            var left = deadline - _time.GetUtcNow();
            var stops = level.Select(a => a.SendAsync(new RetireCommand(Clamp(SpecDefaults.Grace(a.Status.Spec), left)), cancellationToken));
            await Task.WhenAll(stops).ConfigureAwait(false);
        }

        foreach (var entry in entries)
        {
            await entry.Actor.DisposeAsync().ConfigureAwait(false);
            entry.Actor.Output.Dispose();
        }

        await _oneShots.CloseAsync(OneShotReapBound, _time).ConfigureAwait(false);
        _envWatch.Dispose();
        _io.Dispose();
        _events.CompleteAll();
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync(CancellationToken.None).ConfigureAwait(false);

    private static TimeSpan Clamp(TimeSpan own, TimeSpan left) =>
        left <= TimeSpan.Zero ? TimeSpan.Zero : own < left ? own : left;

    /// <summary>Processes grouped by dependency depth, deepest (most dependent) first.</summary>
    private static IEnumerable<List<ProcessActor>> ShutdownLevels(List<ProcessActor> actors)
    {
        var byName = actors.ToDictionary(a => a.Name, StringComparer.Ordinal);
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        int Depth(ProcessActor actor)
        {
            if (depth.TryGetValue(actor.Name, out var d))
            {
                return d;
            }

            depth[actor.Name] = 0;
            d = actor.Status.Spec.DependsOn.OfType<ProcessDependency>()
                .Select(p => byName.TryGetValue(p.Name, out var dep) ? Depth(dep) + 1 : 0)
                .DefaultIfEmpty(0).Max();
            depth[actor.Name] = d;
            return d;
        }

        return actors.GroupBy(Depth).OrderByDescending(g => g.Key).Select(g => g.ToList());
    }

    /// <summary>
    /// Opens the logs of <paramref name="specs"/> side by side (their folders and files are most of what adding a process
    /// costs); all of them, or none when one fails.
    /// </summary>
    private async Task<RotatingLog[]> OpenLogsAsync(IReadOnlyList<ProcessSpec> specs)
    {
        var opening = specs.Select(s => Task.Run(() => OpenLog(s))).ToList();
        try
        {
            return await Task.WhenAll(opening).ConfigureAwait(false);
        }
        catch
        {
            foreach (var done in opening.Where(t => t.IsCompletedSuccessfully))
            {
                done.Result.Dispose();
            }

            throw;
        }
    }

    private RotatingLog OpenLog(ProcessSpec spec) =>
        RotatingLog.Open(Path.Combine(_options.StateDirectory, "logs", spec.Name), _options.LogFileMaxBytes, _options.LogFileCount);

    /// <summary>Registers a process without starting it (see <see cref="ProcessActor.Start"/>).</summary>
    private ProcessActor Create(ProcessSpec spec, RotatingLog log, bool runtime)
    {
        var ringBytes = spec.OutputBufferBytes == 0 ? _options.DefaultOutputBufferBytes : spec.OutputBufferBytes;
        _envWatch.WatchFiles(_env.FilesOf(spec, _options.WorkspaceDirectory));
        lock (_entriesLock)
        {
            var actor = new ProcessActor(_ctx, spec, log, checked((int)ringBytes));
            _entries[spec.Name] = new Entry(actor, runtime);
            MembershipChanged();
            return actor;
        }
    }

    /// <summary>Stops the process groups an earlier run of this supervisor left running (found by their marker).</summary>
    private async Task StopLeftoversAsync()
    {
        var leftovers = Leftovers.Find(_ctx.Identity);
        foreach (var leftover in leftovers)
        {
            SupervisorLog.LeftoverStopped(_logger, leftover.Pid, leftover.Command);
        }

        await Leftovers.StopAsync(leftovers, SpecDefaults.StopGrace).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes a process out of the set and closes it: one retired by a removal, or one registered and never started (an
    /// add that fails leaves nothing behind).
    /// </summary>
    private async Task UnregisterAsync(ProcessActor actor)
    {
        lock (_entriesLock)
        {
            _entries.Remove(actor.Name);
        }

        MembershipChanged();
        await actor.DisposeAsync().ConfigureAwait(false);
        actor.Output.Dispose();
    }

    private async Task RemoveCoreAsync(ProcessActor actor, CancellationToken cancellationToken)
    {
        await actor.SendAsync(new RetireCommand(SpecDefaults.Grace(actor.Status.Spec)), cancellationToken).ConfigureAwait(false);
        await UnregisterAsync(actor).ConfigureAwait(false);
        var status = actor.Status;
        _events.Publish(seq => new ProcessEvent
        {
            Seq = seq,
            Kind = ProcessEventKind.Removed,
            Process = actor.Name,
            State = status.State,
            Previous = status.State,
            Reason = "removed",
            RestartCount = status.RestartCount,
            OutputEnd = new OutputPosition(status.OutputEpoch, status.OutputEnd),
            Time = _time.GetUtcNow(),
        });
        SaveDurable(null);
    }

    /// <summary>Rewrites state.json with the durable runtime-added processes; a failure is logged and never hidden.</summary>
    private void SaveDurable(ProcessActor? changed)
    {
        if (Volatile.Read(ref _shutdown) == 1 || (changed is not null && !changed.Status.Spec.Durable))
        {
            return;
        }

        var durable = Snapshot()
            .Where(e => e.Runtime && e.Actor.Status.Spec.Durable)
            .Select(e => new DurableEntry(e.Actor.Status.Spec with { DesiredState = DesiredState.Running }, e.Actor.Status.Spec.DesiredState == DesiredState.Stopped))
            .ToList();
        try
        {
            _state.Save(durable);
        }
        catch (IOException e)
        {
            SupervisorLog.StateSaveFailed(_logger, _state.Path, e.Message);
            throw;
        }
    }

    private IEnumerable<(IReadOnlySet<string> Files, Action Changed, Action<string> Failed)> EnvReaders() =>
        Snapshot().Select(e =>
        {
            var actor = e.Actor;
            IReadOnlySet<string> files = _env.FilesOf(actor.Status.Spec, _options.WorkspaceDirectory).ToHashSet(StringComparer.Ordinal);
            return (files, (Action)(() => actor.Post(new EnvFilesChanged())), (Action<string>)(error => actor.Post(new EnvFileFailed(error))));
        });
}
