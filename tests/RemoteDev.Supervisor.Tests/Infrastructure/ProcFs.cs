using System.Runtime.InteropServices;

namespace RemoteDev.Supervisor.Tests.Infrastructure;

internal static class ProcFs
{
    private const long SysPidfdOpen = 434;
    private const short PollIn = 1;

    /// <summary>
    /// Waits for any pid (not only a child) to end, through a pidfd that becomes readable on exit; true when it ended
    /// within <see cref="SupervisorHarness.Timeout"/>. A pid that is already gone counts as ended.
    /// </summary>
    public static async Task<bool> WaitForExitAsync(int pid)
    {
        var pidfd = (int)syscall(SysPidfdOpen, pid, 0);
        if (pidfd < 0)
        {
            return true;
        }

        try
        {
            return await Task.Run(() =>
            {
                var fds = new[] { new PollFd { Fd = pidfd, Events = PollIn } };
                return poll(fds, 1, (int)SupervisorHarness.Timeout.TotalMilliseconds) == 1;
            });
        }
        finally
        {
            close(pidfd);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern long syscall(long number, long a1, long a2);

    [DllImport("libc", SetLastError = true)]
    private static extern int poll([In, Out] PollFd[] fds, ulong count, int timeout);

    [DllImport("libc")]
    private static extern int close(int fd);
}
