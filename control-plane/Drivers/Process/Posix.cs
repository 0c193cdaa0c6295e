using System.Runtime.InteropServices;

namespace RemoteDev.ControlPlane.Drivers.Process;

internal static partial class Posix
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);

    /// <summary>Signals the whole process group led by <paramref name="leader"/>; false when it is gone.</summary>
    public static bool SignalGroup(int leader, int signal) => KillNative(-leader, signal) == 0;
}
