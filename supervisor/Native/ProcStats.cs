using System.Globalization;

namespace RemoteDev.Supervisor.Native;

/// <summary>
/// One process's /proc/PID/stat: its command and the fields after it, the first being the state (fields 3 on in
/// proc(5)); the command may hold spaces and parentheses, so the fields start after its last ')'.
/// </summary>
internal readonly record struct ProcStat(int Pid, string Command, string[] Fields)
{
    public char State => Fields[0][0];

    public int Group => (int)Number(2);

    public int Session => (int)Number(3);

    public long Number(int field) => long.Parse(Fields[field], NumberStyles.Integer, CultureInfo.InvariantCulture);
}

internal static class ProcStats
{
    /// <summary>Every process's stat; a process that ends while being read is left out.</summary>
    public static IEnumerable<ProcStat> All()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }

            var close = stat.LastIndexOf(')');
            yield return new ProcStat(pid, stat[(stat.IndexOf('(') + 1)..close], stat[(close + 2)..].Split(' '));
        }
    }
}
