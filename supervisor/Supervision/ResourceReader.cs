using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Supervision;

/// <summary>CPU time and RSS summed over every process of a process group, read from /proc.</summary>
internal static class ResourceReader
{
    private const int ClockTicksPerSecond = 100;

    public static ResourceUsage Read(int pgid)
    {
        long ticks = 0;
        ulong rssPages = 0;
        var count = 0;
        foreach (var stat in ProcStats.All().Where(s => s.Group == pgid))
        {
            ticks += stat.Number(11) + stat.Number(12);
            rssPages += (ulong)stat.Number(21);
            count++;
        }

        return new ResourceUsage(
            TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond), rssPages * (ulong)Environment.SystemPageSize, count);
    }
}
