namespace RemoteDev.Bench.Agent;

/// <summary>
/// The latency workload: 100-byte lines at a fixed rate, each starting with CLOCK_MONOTONIC in ns taken just before
/// the write. The writer sleeps between lines like a real program (a spinning writer would take one of the machine's
/// two cores from the path being measured).
/// </summary>
internal static class LineWriter
{
    public const int LineBytes = 100;

    /// <summary>A python3 script that waits for <paramref name="go"/>, then writes <paramref name="lines"/> lines.</summary>
    public static string Script(string go, int lines, int perSecond) => $$"""
        import os, time
        while not os.path.exists("{{go}}"):
            time.sleep(0.01)
        interval = 1_000_000_000 // {{perSecond}}
        next_at = time.monotonic_ns()
        for i in range({{lines}}):
            wait = next_at - time.monotonic_ns()
            if wait > 0:
                time.sleep(wait / 1e9)
            os.write(1, (str(time.monotonic_ns()).rjust(20) + " ").ljust({{LineBytes - 1}}, "x").encode() + b"\n")
            next_at += interval
        time.sleep(3600)
        """;
}
