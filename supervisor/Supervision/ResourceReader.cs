using System.Globalization;

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
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[2] != pgid.ToString(CultureInfo.InvariantCulture))
            {
                continue;
            }

            ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            rssPages += ulong.Parse(fields[21], CultureInfo.InvariantCulture);
            count++;
        }

        return new ResourceUsage(
            TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond), rssPages * (ulong)Environment.SystemPageSize, count);
    }
}
