using System.Threading.Channels;
using RemoteDev.Supervisor.Env;
using RemoteDev.Supervisor.Native;
using RemoteDev.Supervisor.Output;

namespace RemoteDev.Supervisor.Supervision;

/// <summary>
/// One process: its spec, its state machine and its single event loop. Everything that happens to the process
/// (operations, child exits, timers, env changes, health, dependencies) is an input posted to its channel and
/// handled, one at a time, by <see cref="Transition"/>. Readers see immutable <see cref="ProcessStatus"/> snapshots.
/// </summary>
internal sealed partial class ProcessActor : IAsyncDisposable
{
    private const int InputCapacity = 256;

    private readonly ProcessContext _ctx;
    private readonly Channel<ProcessInput> _inputs = Channel.CreateBounded<ProcessInput>(
        new BoundedChannelOptions(InputCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private Task _loop = Task.CompletedTask;
    private ProcessStatus _snapshot;
    private readonly TaskCompletionSource _initialized = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProcessActor(ProcessContext ctx, ProcessSpec spec, RotatingLog log, int ringBytes)
    {
        _ctx = ctx;
        _spec = spec;
        Output = new ProcessOutput(log, ringBytes, ctx.Io, new LogFileReport(error => Post(new LogFileFailed(error)), () => Post(new LogFileRecovered())));
        _desired = spec.DesiredState;
        _since = ctx.Time.GetUtcNow();
        _reason = "added";
        _snapshot = BuildSnapshot();
    }

    public string Name => _spec.Name;

    public ProcessOutput Output { get; }

    public ProcessStatus Status => Volatile.Read(ref _snapshot);

    /// <summary>The env of the current run, or the env the next run would get.</summary>
    public IReadOnlyDictionary<string, string> EffectiveEnv =>
        Volatile.Read(ref _runEnv) ?? _ctx.Env.Resolve(Status.Spec, _ctx.Options.WorkspaceDirectory);

    /// <summary>
    /// Starts the event loop: the process starts unless its desired state is stopped. Separate from construction so
    /// that a set of processes is registered before any of them looks up its dependencies.
    /// </summary>
    public void Start() => _loop = Task.Run(RunLoopAsync);

    /// <summary>Completes once the first transition (start, pending or stopped) happened.</summary>
    public Task Initialized => _initialized.Task;

    /// <summary>Completes at the next snapshot change.</summary>
    public Task ChangedAsync => Volatile.Read(ref _changed).Task;

    public async Task<ProcessStatus> SendAsync(Command command, CancellationToken cancellationToken)
    {
        await _inputs.Writer.WriteAsync(command, cancellationToken).ConfigureAwait(false);
        return await command.Reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Posts a notification from any thread without blocking it (the I/O thread must never wait).</summary>
    public void Post(ProcessInput input)
    {
        if (!_inputs.Writer.TryWrite(input) && !_inputs.Reader.Completion.IsCompleted)
        {
            _ = _inputs.Writer.WriteAsync(input).AsTask().ContinueWith(
                t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _inputs.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        DisposeRun();
    }

    private async Task RunLoopAsync()
    {
        if (_desired == DesiredState.Running)
        {
            Transition(new StartCommand());
        }
        else
        {
            MoveTo(ProcessState.Stopped, "desired state stopped");
        }

        _initialized.TrySetResult();

        await foreach (var input in _inputs.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                Transition(input);
            }
            catch (Exception e) when (input is Command command)
            {
                command.Reply.TrySetException(e);
            }
            catch (Exception e)
            {
                SupervisorLog.LoopFailed(_ctx.Logger, Name, e.Message);
            }
        }
    }

    private void Publish(ProcessEventKind kind, ProcessState previous, string reason)
    {
        var snapshot = BuildSnapshot();
        Volatile.Write(ref _snapshot, snapshot);

        // The state machine leaves Running and Stopping for another state only when the run exits, and publishes that
        // before any next run starts: the ring then ends where the run's output ends.
        var runEnded = kind == ProcessEventKind.Transition
            && previous is (ProcessState.Running or ProcessState.Stopping)
            && snapshot.State is not (ProcessState.Running or ProcessState.Stopping);
        _ctx.Events.Publish(seq => new ProcessEvent
        {
            Seq = seq,
            Kind = kind,
            Process = Name,
            State = snapshot.State,
            Previous = previous,
            Reason = reason,
            ExitCode = snapshot.ExitCode,
            Signal = snapshot.Signal,
            RestartCount = snapshot.RestartCount,
            Time = _ctx.Time.GetUtcNow(),
            Health = snapshot.Health,
            Pid = snapshot.Pid,
            OutputEnd = runEnded ? new OutputPosition(snapshot.OutputEpoch, snapshot.OutputEnd) : null,
        });
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))
            .TrySetResult();
    }

    private ProcessStatus BuildSnapshot()
    {
        var (start, end) = Output.Ring.Range;
        return new ProcessStatus
        {
            Name = _spec.Name,
            State = _state,
            Health = _health,
            Pid = _run?.Pid,
            RestartCount = _decider.RestartCount,
            ExitCode = _lastExit?.Code,
            Signal = _lastExit?.Signal is { } s ? Signals.Name(s) : null,
            Reason = _reason,
            Since = _since,
            StartedAt = _run?.StartedAt,
            Spec = _spec with { DesiredState = _desired },
            OutputStart = start,
            OutputEnd = end,
            OutputEpoch = Output.Epoch,
        };
    }

    /// <summary>
    /// A snapshot for the outside: the current output range, secret-looking values of the spec's env redacted, and
    /// with includeEnv the effective env, redacted alike.
    /// </summary>
    public ProcessStatus Describe(bool includeEnv)
    {
        var (start, end) = Output.Ring.Range;
        var status = Redaction.Redact(Status) with { OutputStart = start, OutputEnd = end };
        return includeEnv ? status with { EffectiveEnv = Redaction.Redact(EffectiveEnv) } : status;
    }
}
