using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Supervision;

/// <summary>
/// The state machine. States and transitions:
/// <code>
/// Stopped|Exited|Failed --start/restart--> Pending (has dependencies) | Starting
/// Pending   --dependencies ready--> Starting;  --dependency failed--> Failed;  --stop--> Stopped
/// Starting  --spawned--> Running;  --spawn error (missing command, cwd, permission)--> Failed
/// Running   --exit--> Backoff | CrashLoop | Exited | Failed   (RestartDecider: policy, codes, caps, crash loop)
/// Running   --stop--> Stopping (stop signal to the group);  --restart / env reload--> Stopping, then Starting
/// Stopping  --grace over--> Stopping (SIGKILL to the group);  --exit--> Stopped | Starting (restart)
///           --stop / remove / shutdown--> Stopping (the SIGKILL comes at the earlier of its deadline and the new grace)
/// Backoff   --delay over / forced restart--> Starting;  --stop--> Stopped
/// CrashLoop --pause over / forced restart--> Starting;  --stop--> Stopped
/// </code>
/// Every change is published as a <see cref="ProcessEvent"/> with the supervisor-wide seq, after its timers are armed.
/// </summary>
internal sealed partial class ProcessActor
{
    private readonly RestartDecider _decider = new();
    private readonly List<TaskCompletionSource<ProcessStatus>> _restingWaiters = [];

    // Restart replies once the old run is down and the new one has begun (or the restart was called off).
    private readonly List<TaskCompletionSource<ProcessStatus>> _restartWaiters = [];
    private ProcessSpec _spec;
    private DesiredState _desired;
    private ProcessState _state = ProcessState.Stopped;
    private HealthStatus _health = HealthStatus.None;
    private string _reason;
    private DateTimeOffset _since;
    private ExitStatus? _lastExit;
    private bool _restartAfterStop;
    private bool _retired;

    private void Transition(ProcessInput input)
    {
        Apply(input);
        if (_restartWaiters.Count > 0 && _state != ProcessState.Stopping)
        {
            foreach (var waiter in _restartWaiters)
            {
                waiter.TrySetResult(Status);
            }

            _restartWaiters.Clear();
        }
    }

    private void Apply(ProcessInput input)
    {
        switch (input)
        {
            case StartCommand c:
                SetDesired(DesiredState.Running);
                switch (_state)
                {
                    case ProcessState.Stopping:
                        _restartAfterStop = true;
                        break;
                    case ProcessState.Backoff or ProcessState.CrashLoop:
                        Spawn("started on request");
                        break;
                    case ProcessState.Stopped or ProcessState.Exited or ProcessState.Failed:
                        _decider.Reset();
                        BeginStart("started on request");
                        break;
                }

                c.Reply.TrySetResult(Status);
                break;

            case StopCommand c:
                SetDesired(DesiredState.Stopped);
                StopNow(c.Grace ?? SpecDefaults.Grace(_spec), "stopped on request", c.Reply);
                break;

            case RetireCommand c:
                _retired = true;
                _desired = DesiredState.Stopped;
                StopNow(c.Grace, "removed", c.Reply);
                break;

            case RestartCommand c:
                SetDesired(DesiredState.Running);
                Restart(c.Force, "restarted on request");
                if (_state == ProcessState.Stopping)
                {
                    _restartWaiters.Add(c.Reply);
                }
                else
                {
                    c.Reply.TrySetResult(Status);
                }

                break;

            case ReloadCommand c:
                _spec = c.Spec;
                SetDesired(c.Spec.DesiredState);
                Publish(ProcessEventKind.Reloaded, _state, "spec reloaded");
                if (_desired == DesiredState.Stopped)
                {
                    StopNow(SpecDefaults.Grace(_spec), "stopped by reload", null);
                }
                else if (c.RestartNow)
                {
                    Restart(force: true, "restarted by reload");
                }

                c.Reply.TrySetResult(Status);
                break;

            case SignalCommand c:
                SignalGroup(c.Signal);
                c.Reply.TrySetResult(Status);
                break;

            case ChildExited e when _run?.Id == e.Run:
                OnExit(e.Status);
                break;

            case TimerFired { Kind: TimerKind.Restart } t when t.Generation == _stateTimerGeneration
                                                             && _state is ProcessState.Backoff or ProcessState.CrashLoop:
                Spawn(_state == ProcessState.CrashLoop ? "crash-loop pause over" : "restart delay over");
                break;

            case TimerFired { Kind: TimerKind.Kill } t when t.Generation == _stateTimerGeneration
                                                          && _state == ProcessState.Stopping && _run is not null:
                Libc.kill(-_run.Pid, Signals.SIGKILL);
                MoveTo(ProcessState.Stopping, "stop grace over: SIGKILL to the process group");
                break;

            case TimerFired { Kind: TimerKind.EnvReload } t when t.Generation == _envTimerGeneration:
                if (_run is not null && _state == ProcessState.Running && EnvDiffers())
                {
                    Restart(force: true, "environment changed");
                }

                break;

            case EnvFilesChanged:
                OnEnvChanged();
                break;

            case EnvFileFailed f:
                Publish(ProcessEventKind.EnvFileError, _state, f.Error);
                break;

            case LogFileFailed f:
                SupervisorLog.LogFileFailed(_ctx.Logger, Name, f.Error);
                Publish(ProcessEventKind.LogFileError, _state, $"output is not reaching its log file (the ring still has it): {f.Error}");
                break;

            case LogFileRecovered:
                SupervisorLog.LogFileRecovered(_ctx.Logger, Name);
                Publish(ProcessEventKind.LogFileRecovered, _state, "output reaches its log file again");
                break;

            case DependenciesReady d when d.Generation == _dependencyGeneration && _state == ProcessState.Pending:
                Spawn("dependencies ready");
                break;

            case DependenciesFailed d when d.Generation == _dependencyGeneration && _state == ProcessState.Pending:
                MoveTo(ProcessState.Failed, d.Reason);
                break;

            case HealthObserved h when _run?.Id == h.Run && h.Health != _health:
                _health = h.Health;
                SupervisorLog.HealthChanged(_ctx.Logger, Name, h.Health);
                Publish(ProcessEventKind.Health, _state, h.Failure is null ? $"health {h.Health}" : $"health {h.Health}: {h.Failure}");
                break;
        }
    }

    private void SetDesired(DesiredState desired)
    {
        _desired = desired;
        Volatile.Write(ref _snapshot, BuildSnapshot());
        _ctx.DesiredChanged(this);
    }

    private void StopNow(TimeSpan grace, string reason, TaskCompletionSource<ProcessStatus>? reply)
    {
        _restartAfterStop = false;
        CancelDependencies();
        CancelEnvTimer();
        switch (_state)
        {
            case ProcessState.Running or ProcessState.Starting:
                BeginStopping(grace, reason);
                break;
            case ProcessState.Stopping:
                ArmKillBy(grace);
                break;
            case ProcessState.Pending or ProcessState.Backoff or ProcessState.CrashLoop:
                CancelStateTimer();
                MoveTo(ProcessState.Stopped, reason);
                break;
        }

        if (reply is null)
        {
            return;
        }

        if (_state == ProcessState.Stopping)
        {
            _restingWaiters.Add(reply);
        }
        else
        {
            reply.TrySetResult(Status);
        }
    }

    private void Restart(bool force, string reason)
    {
        switch (_state)
        {
            case ProcessState.Running:
                _restartAfterStop = true;
                BeginStopping(SpecDefaults.Grace(_spec), reason);
                break;
            case ProcessState.Stopping:
                _restartAfterStop = true;
                break;
            case ProcessState.Backoff or ProcessState.CrashLoop when force:
                Spawn(reason);
                break;
            case ProcessState.Stopped or ProcessState.Exited or ProcessState.Failed:
                _decider.Reset();
                BeginStart(reason);
                break;
        }
    }

    private void OnExit(ExitStatus status)
    {
        var run = _run!;
        var uptime = _ctx.Time.GetUtcNow() - run.StartedAt;
        EndRun();
        _lastExit = status;
        CancelStateTimer();
        var how = status.Code is { } code ? $"exit code {code}" : $"signal {Signals.Name(status.Signal ?? 0)}";
        if (_state == ProcessState.Stopping)
        {
            if (_restartAfterStop && !_retired)
            {
                _restartAfterStop = false;
                Spawn($"restarting after {how}");
                return;
            }

            MoveTo(ProcessState.Stopped, $"stopped ({how})");
            return;
        }

        var decision = _decider.Decide(_spec, status, uptime, _ctx.Time.GetUtcNow());
        var waits = decision.Next is ProcessState.Backoff or ProcessState.CrashLoop;
        if (waits && decision.Delay > TimeSpan.Zero)
        {
            ArmStateTimer(TimerKind.Restart, decision.Delay);
        }

        MoveTo(decision.Next, decision.Reason);
        if (waits && decision.Delay <= TimeSpan.Zero)
        {
            Spawn("restart delay over");
        }
    }

    private void MoveTo(ProcessState state, string reason)
    {
        var previous = _state;
        _state = state;
        _reason = reason;
        _since = _ctx.Time.GetUtcNow();
        SupervisorLog.Transition(_ctx.Logger, Name, previous, state, reason);
        Publish(ProcessEventKind.Transition, previous, reason);
        if (state is ProcessState.Stopped or ProcessState.Exited or ProcessState.Failed)
        {
            foreach (var waiter in _restingWaiters)
            {
                waiter.TrySetResult(Status);
            }

            _restingWaiters.Clear();
        }
    }
}
