using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Supervision;

/// <summary>What to do after an unrequested exit.</summary>
internal readonly record struct ExitDecision(ProcessState Next, TimeSpan Delay, string Reason);

/// <summary>
/// Restart policy, permanent-failure codes, restart cap, crash-loop detection and backoff for one process. The
/// failure count resets after a run of at least minUptime; the crash-loop window counts restarts, and when it already
/// holds MaxRestarts the next exit pauses the process instead. RestartCount counts scheduled restarts, including
/// the one a Backoff or CrashLoop state waits for.
/// </summary>
internal sealed class RestartDecider
{
    private readonly Queue<DateTimeOffset> _recentRestarts = new();
    private int _consecutiveFailures;

    public uint RestartCount { get; private set; }

    public ExitDecision Decide(ProcessSpec spec, ExitStatus status, TimeSpan uptime, DateTimeOffset now)
    {
        var code = status.Code;
        var how = code is { } c ? $"exit code {c}" : $"signal {Signals.Name(status.Signal ?? 0)}";
        if (code is { } exitCode && spec.PermanentFailureExitCodes.Contains(exitCode))
        {
            return new ExitDecision(ProcessState.Failed, TimeSpan.Zero, $"{how} means permanent failure");
        }

        var restart = spec.RestartPolicy switch
        {
            RestartPolicy.Always or RestartPolicy.UnlessStopped => true,
            RestartPolicy.OnFailure => code != 0,
            RestartPolicy.OnSuccess => code == 0,
            _ => false,
        };
        if (!restart)
        {
            return new ExitDecision(ProcessState.Exited, TimeSpan.Zero, $"{how}; policy {spec.RestartPolicy} keeps it down");
        }

        if (spec.MaxRestarts > 0 && RestartCount >= spec.MaxRestarts)
        {
            return new ExitDecision(ProcessState.Failed, TimeSpan.Zero, $"{how}; restart limit {spec.MaxRestarts} reached");
        }

        if (uptime >= (spec.MinUptime ?? SpecDefaults.MinUptime))
        {
            _consecutiveFailures = 0;
        }

        var loop = spec.CrashLoop ?? SpecDefaults.CrashLoop;
        while (_recentRestarts.Count > 0 && now - _recentRestarts.Peek() > loop.Window)
        {
            _recentRestarts.Dequeue();
        }

        RestartCount++;
        if (loop.MaxRestarts > 0 && _recentRestarts.Count >= loop.MaxRestarts)
        {
            _recentRestarts.Clear();
            return new ExitDecision(
                ProcessState.CrashLoop, loop.Pause, $"{how}; {loop.MaxRestarts} restarts within {loop.Window}: paused for {loop.Pause}");
        }

        _recentRestarts.Enqueue(now);
        var delay = Delay(SpecDefaults.Backoff(spec), _consecutiveFailures);
        _consecutiveFailures++;
        return new ExitDecision(ProcessState.Backoff, delay, $"{how}; restart in {delay.TotalMilliseconds} ms");
    }

    /// <summary>A manual start or restart from a resting state begins afresh.</summary>
    public void Reset()
    {
        RestartCount = 0;
        _consecutiveFailures = 0;
        _recentRestarts.Clear();
    }

    private static TimeSpan Delay(BackoffSpec backoff, int failures) => backoff switch
    {
        FixedBackoff f => f.Delay,
        ExponentialBackoff e => TimeSpan.FromTicks(
            (long)Math.Min(e.Max.Ticks, e.Initial.Ticks * Math.Pow(e.Multiplier, Math.Min(failures, 64)))),
        _ => throw new InvalidOperationException($"unknown backoff {backoff.GetType().Name}"),
    };
}
