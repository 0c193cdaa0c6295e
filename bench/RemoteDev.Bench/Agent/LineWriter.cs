namespace RemoteDev.Bench.Agent;

/// <summary>The latency workload: 100-byte lines at a fixed rate, each starting with CLOCK_MONOTONIC in ns.</summary>
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
            while time.monotonic_ns() < next_at:
                pass
            os.write(1, (str(time.monotonic_ns()).rjust(20) + " ").ljust({{LineBytes - 1}}, "x").encode() + b"\n")
            next_at += interval
        time.sleep(3600)
        """;
}
