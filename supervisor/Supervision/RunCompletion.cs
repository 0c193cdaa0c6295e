using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Supervision;

/// <summary>
/// Reports a run's exit only once its output pipes reached EOF, so every byte of the run is in the ring and the log
/// before the exit is published. The group is SIGKILLed when its leader exits, so EOF follows at once; a descendant
/// that escaped the group (setsid) and still holds a pipe delays the report by at most <see cref="DrainLimit"/>.
/// </summary>
internal sealed class RunCompletion(int pumps, TimeProvider time, Action<ExitStatus> report)
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(2);

    private readonly object _lock = new();
    private int _open = pumps;
    private ExitStatus? _status;
    private bool _reported;
    private ITimer? _drainTimer;

    public void PumpClosed()
    {
        lock (_lock)
        {
            _open--;
            TryReport();
        }
    }

    public void Exited(ExitStatus status)
    {
        lock (_lock)
        {
            _status = status;
            if (_open > 0)
            {
                _drainTimer = time.CreateTimer(_ => DrainLimitReached(), null, DrainLimit, Timeout.InfiniteTimeSpan);
            }

            TryReport();
        }
    }

    private void DrainLimitReached()
    {
        lock (_lock)
        {
            _open = 0;
            TryReport();
        }
    }

    private void TryReport()
    {
        if (_reported || _status is not { } status || _open > 0)
        {
            return;
        }

        _reported = true;
        _drainTimer?.Dispose();
        report(status);
    }
}
