using System.Runtime.InteropServices;

namespace RemoteDev.Agent.Native;

internal static class Posix
{
    public const int SIGKILL = 9;

    /// <summary>Sends a signal to every process of a group; false when the group no longer exists.</summary>
    public static bool KillGroup(int pgid, int signal) => kill(-pgid, signal) == 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
