namespace RemoteDev.ControlPlane.Purge;

/// <summary>
/// Sandboxes whose purge failed, each tried again only once its delay passed: the purge interval, doubled with every
/// failure in a row up to <see cref="MaxDelay"/> (or the interval, when that is longer). At most <see cref="Capacity"/>
/// are tracked; a sandbox failing beyond that is tried again at the next pass. For one purger loop, not thread-safe.
/// </summary>
internal sealed class PurgeBackoff(TimeSpan interval, TimeProvider time)
{
    public const int Capacity = 1000;
    public static readonly TimeSpan MaxDelay = TimeSpan.FromHours(1);

    private readonly Dictionary<string, Failing> _failing = new(StringComparer.Ordinal);

    /// <summary>False while the sandbox waits out the delay after its last failure.</summary>
    public bool IsDue(string sandboxId) => !_failing.TryGetValue(sandboxId, out var failing) || failing.RetryAt <= time.GetUtcNow();

    /// <summary>Records a failure of the sandbox's purge; returns the delay until it is tried again.</summary>
    public TimeSpan Failed(string sandboxId)
    {
        var failures = _failing.TryGetValue(sandboxId, out var failing) ? failing.Failures + 1 : 1;
        if (failures == 1 && _failing.Count >= Capacity)
        {
            return interval;
        }

        var delay = Delay(failures);
        _failing[sandboxId] = new Failing(failures, time.GetUtcNow() + delay);
        return delay;
    }

    /// <summary>The sandbox was purged or is no longer to be purged.</summary>
    public void Forget(string sandboxId) => _failing.Remove(sandboxId);

    private TimeSpan Delay(int failures) => RetryDelays.Doubling(interval, interval > MaxDelay ? interval : MaxDelay, failures);

    private readonly record struct Failing(int Failures, DateTimeOffset RetryAt);
}
