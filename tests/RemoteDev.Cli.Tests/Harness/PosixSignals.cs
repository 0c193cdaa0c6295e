using System.Runtime.InteropServices;

namespace RemoteDev.Cli.Tests.Harness;

internal static class PosixSignals
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>kill(2); a negative pid signals the process group. Failures (already gone) are the caller's to ignore.</summary>
    public static int Send(int pid, int signal) => Kill(pid, signal);

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
