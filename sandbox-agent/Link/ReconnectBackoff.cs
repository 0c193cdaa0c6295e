namespace RemoteDev.Agent.Link;

/// <summary>Jittered exponential backoff with a cap ("equal jitter": half fixed, half random).</summary>
internal sealed class ReconnectBackoff
{
    private int _failures;

    public TimeSpan Next()
    {
        var exponent = Math.Min(_failures, 16);
        _failures++;
        var ceiling = Math.Min(LinkTimings.BackoffMax.TotalMilliseconds, LinkTimings.BackoffInitial.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    public void Reset() => _failures = 0;
}
