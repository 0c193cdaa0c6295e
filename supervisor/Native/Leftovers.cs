using System.Text;
using RemoteDev.Supervisor.Persistence;

namespace RemoteDev.Supervisor.Native;

/// <summary>A process group a previous run of this supervisor started, still running: its leader and name.</summary>
internal readonly record struct Leftover(int Pid, string Command);

/// <summary>
/// Children of a supervisor that died without stopping them (kill -9, an OOM kill of the agent) live on as orphans in
/// their own sessions; a supervisor started again over the same state directory would run a second copy of each (two
/// dev servers on one port). Every child carries <see cref="MarkerName"/> = the state directory's identity in its
/// environment; at start the supervisor stops the session leaders that carry its own, with their groups.
/// </summary>
internal static class Leftovers
{
    public const string MarkerName = "REMOTEDEV_SUPERVISOR";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>This state directory's identity: made on first use, kept in <c>supervisor-id</c>.</summary>
    public static string Identity(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, "supervisor-id");
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing)
        {
            return existing;
        }

        var identity = Guid.NewGuid().ToString("N");
        AtomicFile.Write(path, identity + "\n");
        return identity;
    }

    public static IReadOnlyList<Leftover> Find(string identity)
    {
        var marker = Encoding.UTF8.GetBytes($"{MarkerName}={identity}\0");
        var found = new List<Leftover>();
        foreach (var stat in ProcStats.All().Where(s => s.Pid != Environment.ProcessId && s.State != 'Z' && s.Session == s.Pid))
        {
            try
            {
                if (Carries(File.ReadAllBytes($"/proc/{stat.Pid}/environ"), marker))
                {
                    found.Add(new Leftover(stat.Pid, stat.Command));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return found;
    }

    /// <summary>SIGTERM (and SIGCONT, for stopped ones) to each group; SIGKILL to what is left after <paramref name="grace"/>.</summary>
    public static async Task StopAsync(IReadOnlyList<Leftover> leftovers, TimeSpan grace)
    {
        foreach (var leftover in leftovers)
        {
            Libc.kill(-leftover.Pid, Signals.SIGTERM);
            Libc.kill(-leftover.Pid, Signals.SIGCONT);
        }

        // The system clock on purpose: these are other processes' exits, outside the supervisor's injected time.
        var deadline = DateTime.UtcNow + grace;
        var groups = leftovers.Select(l => l.Pid).ToHashSet();
        while (LiveGroups(groups).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(PollInterval).ConfigureAwait(false);
        }

        foreach (var group in LiveGroups(groups))
        {
            Libc.kill(-group, Signals.SIGKILL);
        }
    }

    /// <summary>
    /// The groups of <paramref name="groups"/> with a member that has not exited. A zombie does not count: an orphan's
    /// zombie waits for whoever reaps orphans here (tini in the sandbox image), which may take its time.
    /// </summary>
    private static HashSet<int> LiveGroups(HashSet<int> groups) =>
        ProcStats.All().Where(s => s.State != 'Z' && groups.Contains(s.Group)).Select(s => s.Group).ToHashSet();

    private static bool Carries(ReadOnlySpan<byte> environ, ReadOnlySpan<byte> marker)
    {
        for (var at = environ.IndexOf(marker); at >= 0; at = NextMatch(environ, marker, at))
        {
            if (at == 0 || environ[at - 1] == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static int NextMatch(ReadOnlySpan<byte> environ, ReadOnlySpan<byte> marker, int previous)
    {
        var next = environ[(previous + 1)..].IndexOf(marker);
        return next < 0 ? -1 : previous + 1 + next;
    }
}
