using System.Diagnostics;
using System.Globalization;

namespace RemoteDev.Bench.Supervisor;

/// <summary>/proc readers and process helpers shared by the supervisor benchmarks.</summary>
internal static class ProcFs
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(1);

    /// <summary>Children of every thread of <paramref name="pid"/>.</summary>
    public static HashSet<int> Children(int pid)
    {
        var result = new HashSet<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                foreach (var child in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    result.Add(int.Parse(child, CultureInfo.InvariantCulture));
                }
            }
        }
        catch (IOException)
        {
        }

        return result;
    }

    public static long RssBytes(int pid) => StatusKb(pid, "VmRSS:") * 1024;

    /// <summary>Memory only this process holds: anonymous plus shared-memory pages (not the mapped program images).</summary>
    public static long PrivateBytes(int pid) => (StatusKb(pid, "RssAnon:") + StatusKb(pid, "RssShmem:")) * 1024;

    private static long StatusKb(int pid, string key)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(key, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>Polls until <paramref name="condition"/> holds; returns the time it took.</summary>
    public static async Task<TimeSpan> PollUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException("condition not reached within " + timeout);
            }

            await Task.Delay(PollInterval);
        }

        return watch.Elapsed;
    }

    public static Process StartShell(string script) =>
        Process.Start(new ProcessStartInfo("/bin/sh", ["-c", script]) { RedirectStandardInput = true, RedirectStandardError = true })!;

    public static async Task<TimeSpan> TimeShellAsync(string script)
    {
        var watch = Stopwatch.StartNew();
        using var process = StartShell(script);
        await process.WaitForExitAsync();
        return watch.Elapsed;
    }

    public static void Kill9(int pid)
    {
        if (kill(pid, 9) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, 9) failed");
        }
    }

    public static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    public static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms";

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);
}
