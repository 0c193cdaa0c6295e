using System.Globalization;

namespace RemoteDev.Agent.Resources;

/// <summary>CPU time (own plus reaped children) and resident memory of one process, from /proc.</summary>
internal readonly record struct ProcStat(ulong CpuUsec, ulong RssBytes)
{
    private static readonly long TicksPerSecond = 100; // USER_HZ, fixed at 100 on Linux ABIs
    private static readonly long PageSize = Environment.SystemPageSize;

    /// <summary>Null when the process is gone.</summary>
    public static ProcStat? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may contain spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is field 3 (state): utime=14, stime=15, cutime=16, cstime=17, rss=24.
            var ticks = Field(fields, 14) + Field(fields, 15) + Field(fields, 16) + Field(fields, 17);
            var rssPages = Field(fields, 24);
            return new ProcStat((ulong)(ticks * 1_000_000 / TicksPerSecond), (ulong)(rssPages * PageSize));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static long Field(string[] fields, int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
}
