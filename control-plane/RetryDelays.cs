namespace RemoteDev.ControlPlane;

/// <summary>Retry delays that double from a first delay up to a longest one.</summary>
internal static class RetryDelays
{
    /// <summary>The delay after the <paramref name="failures"/>-th failure in a row (1: <paramref name="first"/>).</summary>
    public static TimeSpan Doubling(TimeSpan first, TimeSpan longest, int failures)
    {
        var delay = first;
        for (var i = 1; i < failures && delay < longest; i++)
        {
            delay *= 2;
        }

        return delay < longest ? delay : longest;
    }
}
