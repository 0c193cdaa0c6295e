using System.Runtime.InteropServices;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>
/// For commands that may wait long between writes (logs --follow, watch, attach, exec): stops the command as soon as
/// the reader of its stdout pipe goes away, not at its next write. poll(2) reports POLLERR on a pipe's write end
/// once no reader is left (POLLHUP on a hung-up terminal or socket); no other event is asked for, so on anything else
/// the wait just lasts. It blocks a background thread, left behind when the command ends.
/// </summary>
internal static class OutputWatch
{
    private const int StdoutFd = 1;
    private const short PollErr = 0x008;
    private const short PollHup = 0x010;
    private const int Forever = -1;
    private const int Eintr = 4;

    public static void Start(Interruption interruption)
    {
        var thread = new Thread(() => Watch(interruption)) { IsBackground = true, Name = "rdev stdout watch" };
        thread.Start();
    }

    private static void Watch(Interruption interruption)
    {
        var fd = new PollFd { Fd = StdoutFd };
        int ready;
        while ((ready = Poll(ref fd, 1, Forever)) < 0 && Marshal.GetLastPInvokeError() == Eintr)
        {
        }

        if (ready > 0 && (fd.REvents & (PollErr | PollHup)) != 0)
        {
            interruption.Stop(ExitCodes.OutputClosed);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static extern int Poll(ref PollFd fds, nuint count, int timeoutMs);
}
