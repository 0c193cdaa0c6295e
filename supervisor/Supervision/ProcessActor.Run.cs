using System.Globalization;
using RemoteDev.Supervisor.Health;
using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Supervision;

/// <summary>Effects of the state machine: spawning, signalling, timers, dependency waits.</summary>
internal sealed partial class ProcessActor
{
    private RunHandle? _run;
    private IReadOnlyDictionary<string, string>? _runEnv;
    private int _runCounter;
    private ITimer? _stateTimer;
    private DateTimeOffset _killAt;
    private int _stateTimerGeneration;
    private ITimer? _envTimer;
    private int _envTimerGeneration;
    private CancellationTokenSource? _dependencies;
    private int _dependencyGeneration;

    public async Task WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var stdin = CurrentStdin();
        try
        {
            await stdin.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            throw new ProcessOperationException($"stdin of '{Name}' is closed");
        }
    }

    public async Task CloseStdinAsync(CancellationToken cancellationToken)
    {
        var stdin = CurrentStdin();
        try
        {
            await stdin.CloseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            throw new ProcessOperationException($"stdin of '{Name}' is closed");
        }
    }

    public void Resize(TerminalSize size)
    {
        var run = Volatile.Read(ref _run);
        if (run is not { IsPty: true, Stdin: { } pty })
        {
            throw new ProcessOperationException($"'{Name}' is not running on a terminal");
        }

        pty.Resize(size);
    }

    private StdinWriter CurrentStdin() =>
        Volatile.Read(ref _run)?.Stdin
        ?? throw new ProcessOperationException($"'{Name}' has no open stdin (not running, or stdinOpen is false)");

    private void BeginStart(string reason)
    {
        if (_spec.DependsOn.Count == 0)
        {
            Spawn(reason);
            return;
        }

        MoveTo(ProcessState.Pending, "waiting for dependencies");
        _dependencies = new CancellationTokenSource();
        var cancel = _dependencies.Token;
        var generation = ++_dependencyGeneration;
        var waiter = new DependencyWaiter(_ctx, _spec.DependsOn);
        _ = Task.Run(async () =>
        {
            try
            {
                var failure = await waiter.WaitAsync(cancel).ConfigureAwait(false);
                Post(failure is null ? new DependenciesReady(generation) : new DependenciesFailed(generation, failure));
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    private void Spawn(string reason)
    {
        CancelStateTimer();
        MoveTo(ProcessState.Starting, reason);
        var cwd = _spec.Cwd ?? _ctx.Options.WorkspaceDirectory;
        _ctx.RefreshUnwatchedEnv(_spec);
        var env = _ctx.Env.Resolve(_spec, _ctx.Options.WorkspaceDirectory);
        foreach (var error in _ctx.Env.Errors(_spec, _ctx.Options.WorkspaceDirectory))
        {
            Publish(ProcessEventKind.EnvFileError, _state, error);
        }

        SpawnedChild child;
        try
        {
            var executable = ExecutableResolver.Resolve(_spec.Command, env, cwd);
            var marked = new Dictionary<string, string>(env) { [Leftovers.MarkerName] = _ctx.Identity };
            child = Spawner.Spawn(new SpawnRequest(
                executable, [_spec.Command, .. _spec.Args], marked, cwd, _spec.Terminal, _spec.StdinOpen));
        }
        catch (SpawnException e)
        {
            SupervisorLog.SpawnFailed(_ctx.Logger, Name, e.Message);
            _lastExit = null;
            MoveTo(ProcessState.Failed, e.Message);
            return;
        }

        var isPty = child.PtyFd >= 0;
        var stdin = child.StdinFd >= 0 ? new StdinWriter(_ctx.Io, child.StdinFd, isPty) : null;
        var run = new RunHandle(++_runCounter, child.Pid, _ctx.Time.GetUtcNow(), env, stdin, isPty);
        Volatile.Write(ref _run, run);
        Volatile.Write(ref _runEnv, env);
        var runId = run.Id;
        var completion = new RunCompletion(isPty ? 1 : 2, _ctx.Time, status => Post(new ChildExited(runId, status)));
        if (isPty)
        {
            _ctx.Io.Add(child.PtyFd, new OutputPump(child.PtyFd, StreamKind.Pty, Output, completion.PumpClosed));
        }
        else
        {
            _ctx.Io.Add(child.StdoutFd, new OutputPump(child.StdoutFd, StreamKind.Stdout, Output, completion.PumpClosed));
            _ctx.Io.Add(child.StderrFd, new OutputPump(child.StderrFd, StreamKind.Stderr, Output, completion.PumpClosed));
        }

        ExitWatcher.WatchGroup(_ctx.Io, child.Pid, completion.Exited);
        SetOomScore(child.Pid);
        if (_spec.HealthCheck is { } check)
        {
            _health = HealthStatus.Unknown;
            HealthMonitor.Start(_ctx, check, Output, run, (health, failure) => Post(new HealthObserved(runId, health, failure)));
        }

        MoveTo(ProcessState.Running, $"started pid {child.Pid}");
    }

    private void BeginStopping(TimeSpan grace, string reason)
    {
        var run = _run!;
        var signal = _spec.StopSignal is { } name ? Signals.Parse(name) : Signals.SIGTERM;
        Libc.kill(-run.Pid, signal);
        _killAt = DateTimeOffset.MaxValue;
        ArmKillBy(grace);
        MoveTo(ProcessState.Stopping, $"{reason}: {Signals.Name(signal)} to the process group");
    }

    /// <summary>SIGKILL to the group after <paramref name="grace"/>, unless one is already due sooner (or was sent).</summary>
    private void ArmKillBy(TimeSpan grace)
    {
        var at = _ctx.Time.GetUtcNow() + grace;
        if (at < _killAt)
        {
            _killAt = at;
            ArmStateTimer(TimerKind.Kill, grace);
        }
    }

    private void SignalGroup(int signal)
    {
        var run = _run ?? throw new ProcessOperationException($"'{Name}' is not running");
        Libc.kill(-run.Pid, signal);
    }

    private void EndRun()
    {
        var run = _run;
        Volatile.Write(ref _run, null);
        Volatile.Write(ref _runEnv, null);
        run?.Dispose();
        CancelEnvTimer();
        _health = _spec.HealthCheck is null ? HealthStatus.None : HealthStatus.Unknown;
    }

    private void DisposeRun()
    {
        EndRun();
        CancelStateTimer();
        CancelDependencies();
    }

    private void ArmStateTimer(TimerKind kind, TimeSpan due)
    {
        CancelStateTimer();
        var generation = _stateTimerGeneration;
        _stateTimer = _ctx.Time.CreateTimer(_ => Post(new TimerFired(kind, generation)), null, due, Timeout.InfiniteTimeSpan);
    }

    private void CancelStateTimer()
    {
        _stateTimer?.Dispose();
        _stateTimer = null;
        _stateTimerGeneration++;
    }

    private void ArmEnvTimer(TimeSpan due)
    {
        CancelEnvTimer();
        var generation = _envTimerGeneration;
        _envTimer = _ctx.Time.CreateTimer(_ => Post(new TimerFired(TimerKind.EnvReload, generation)), null, due, Timeout.InfiniteTimeSpan);
    }

    private void CancelEnvTimer()
    {
        _envTimer?.Dispose();
        _envTimer = null;
        _envTimerGeneration++;
    }

    private void CancelDependencies()
    {
        _dependencyGeneration++;
        _dependencies?.Cancel();
        _dependencies?.Dispose();
        _dependencies = null;
    }

    private void SetOomScore(int pid)
    {
        if (_ctx.Options.ChildOomScoreAdj is not { } score)
        {
            return;
        }

        try
        {
            File.WriteAllText($"/proc/{pid}/oom_score_adj", score.ToString(CultureInfo.InvariantCulture));
        }
        catch (IOException e)
        {
            SupervisorLog.OomScoreFailed(_ctx.Logger, pid, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            SupervisorLog.OomScoreFailed(_ctx.Logger, pid, e.Message);
        }
    }
}
