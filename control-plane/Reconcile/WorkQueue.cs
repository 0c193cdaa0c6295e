namespace RemoteDev.ControlPlane.Reconcile;

/// <summary>
/// A deduplicating queue of keys: a key is queued at most once, handed to at most one worker at a time, and a key
/// enqueued while in flight runs again after it finishes. Memory is bounded by the number of distinct keys.
/// </summary>
internal sealed class WorkQueue
{
    private readonly Lock _gate = new();
    private readonly Queue<string> _ready = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _delayed = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);
    private readonly TimeProvider _time;

    public WorkQueue(TimeProvider time) => _time = time;

    public void Enqueue(string key)
    {
        lock (_gate)
        {
            if (_inFlight.Contains(key))
            {
                _dirty.Add(key);
                return;
            }

            if (!_queued.Add(key))
            {
                return;
            }

            _ready.Enqueue(key);
        }

        _signal.Release();
    }

    /// <summary>Enqueues after <paramref name="delay"/>; an earlier pending delay for the key wins.</summary>
    public void EnqueueAfter(string key, TimeSpan delay)
    {
        var due = _time.GetUtcNow() + delay;
        lock (_gate)
        {
            if (_delayed.TryGetValue(key, out var existing) && existing <= due)
            {
                return;
            }

            _delayed[key] = due;
        }

        _ = FireAsync(key, due, delay);
    }

    public async Task<string> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _signal.WaitAsync(cancellationToken);
            lock (_gate)
            {
                if (_ready.TryDequeue(out var key))
                {
                    _queued.Remove(key);
                    _inFlight.Add(key);
                    return key;
                }
            }
        }
    }

    public void Done(string key)
    {
        bool again;
        lock (_gate)
        {
            _inFlight.Remove(key);
            again = _dirty.Remove(key);
        }

        if (again)
        {
            Enqueue(key);
        }
    }

    private async Task FireAsync(string key, DateTimeOffset due, TimeSpan delay)
    {
        await Task.Delay(delay, _time);
        lock (_gate)
        {
            if (!_delayed.TryGetValue(key, out var current) || current != due)
            {
                return;
            }

            _delayed.Remove(key);
        }

        Enqueue(key);
    }
}
