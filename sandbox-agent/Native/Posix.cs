using System.Runtime.InteropServices;

namespace RemoteDev.Agent.Native;

internal static class Posix
{
    public const int SIGKILL = 9;

    /// <summary>Sends a signal to every process of a group; false when the group no longer exists.</summary>
    public static bool KillGroup(int pgid, int signal) => kill(-pgid, signal) == 0;

    /// <summary>
    /// Writes a short text to an existing file (a /proc knob) with open and write: 0, or the errno. No exception on the
    /// way: a refused write is the usual case in an unprivileged container, and a .NET exception's first throw costs
    /// tens of milliseconds of the agent's start.
    /// </summary>
    public static int WriteKnob(string path, string text)
    {
        var fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        var written = write(fd, bytes, bytes.Length);
        var errno = written < 0 ? Marshal.GetLastPInvokeError() : 0;
        close(fd);
        return errno;
    }

    private const int O_WRONLY = 0x1;
    private const int O_CLOEXEC = 0x80000;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, byte[] buffer, nint count);

    [DllImport("libc")]
    private static extern int close(int fd);
}
