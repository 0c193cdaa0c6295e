namespace RemoteDev.Supervisor.Tests.Infrastructure;

internal static class ProcFs
{
    /// <summary>True when the pid no longer runs: gone, or a zombie waiting for PID 1 to reap it.</summary>
    public static bool IsDead(int pid)
    {
        var stat = Path.Combine("/proc", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "stat");
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true;
        }
    }
}
