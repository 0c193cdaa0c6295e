using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Supervision;

/// <summary>
/// The one-shot commands whose leader still runs. Closing it (at shutdown, before the I/O loop goes) refuses new
/// ones and SIGKILLs the groups of those still running, so each of them ends with a result.
/// </summary>
internal sealed class OneShotSet
{
    private readonly object _lock = new();
    private readonly HashSet<OneShotProcess> _running = [];
    private bool _closed;

    public OneShotProcess Start(Func<OneShotProcess> start)
    {
        OneShotProcess process;
        lock (_lock)
        {
            if (_closed)
            {
                throw new ProcessOperationException("the supervisor is shutting down");
            }

            process = start();
            _running.Add(process);
        }

        _ = process.Exited.ContinueWith(
            _ => Forget(process), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return process;
    }

    /// <summary>Returns once every killed leader was reaped, or after <paramref name="bound"/> (one stuck in the kernel).</summary>
    public async Task CloseAsync(TimeSpan bound, TimeProvider time)
    {
        List<OneShotProcess> left;
        lock (_lock)
        {
            _closed = true;
            left = [.. _running];
        }

        foreach (var process in left)
        {
            Libc.kill(-process.Pid, Signals.SIGKILL);
        }

        try
        {
            var reaped = left.Select(p => p.Exited.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default));
            await Task.WhenAll(reaped).WaitAsync(bound, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The I/O loop goes anyway: a leader that does not die of SIGKILL is left to PID 1.
        }
    }

    private void Forget(OneShotProcess process)
    {
        lock (_lock)
        {
            _running.Remove(process);
        }
    }
}
