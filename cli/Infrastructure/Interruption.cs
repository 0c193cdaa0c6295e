namespace RemoteDev.Cli.Infrastructure;

/// <summary>
/// Stops a running command early (the token it runs with) and remembers why, as the exit code it then ends with:
/// the first reason wins. A reason arriving after the command ended changes nothing.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop;
    private int? _exitCode;
    private bool _disposed;

    public Interruption(CancellationToken invocation) => _stop = CancellationTokenSource.CreateLinkedTokenSource(invocation);

    public CancellationToken Token => _stop.Token;

    /// <summary>Set once the command was asked to stop.</summary>
    public int? ExitCode
    {
        get
        {
            lock (_lock)
            {
                return _exitCode;
            }
        }
    }

    public void Stop(int exitCode)
    {
        lock (_lock)
        {
            if (_disposed || _exitCode is not null)
            {
                return;
            }

            _exitCode = exitCode;
            _stop.Cancel();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        _stop.Dispose();
    }
}
