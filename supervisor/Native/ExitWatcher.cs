using System.Runtime.InteropServices;

namespace RemoteDev.Supervisor.Native;

/// <summary>How a child ended: an exit code or a signal.</summary>
internal readonly record struct ExitStatus(int? Code, int? Signal)
{
    public static ExitStatus FromWaitStatus(int status) =>
        (status & 0x7f) == 0 ? new ExitStatus((status >> 8) & 0xff, null) : new ExitStatus(null, status & 0x7f);
}

/// <summary>
/// Reaps exactly one child: its pidfd in the I/O loop becomes readable on exit. While the leader is still a zombie
/// its process group id cannot be reused, so the rest of the group is SIGKILLed first (nothing is left behind), then
/// waitpid(pid) collects it. Never waitpid(-1): that would steal the runtime's own children.
/// </summary>
internal sealed unsafe class ExitWatcher : IIoHandler
{
    private readonly int _pid;
    private readonly Action<ExitStatus> _onExit;

    private ExitWatcher(int pid, Action<ExitStatus> onExit)
    {
        _pid = pid;
        _onExit = onExit;
    }

    public static void Watch(IoLoop loop, int pid, Action<ExitStatus> onExit)
    {
        var pidfd = Libc.PidfdOpen(pid);
        if (pidfd < 0)
        {
            throw new InvalidOperationException($"pidfd_open({pid}): {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        }

        loop.Add(pidfd, new ExitWatcher(pid, onExit));
    }

    public bool OnReady(Span<byte> scratch)
    {
        Libc.kill(-_pid, Signals.SIGKILL);
        int status;
        var rc = Libc.waitpid(_pid, &status, Libc.WNOHANG);
        if (rc == 0)
        {
            return true;
        }

        _onExit(rc == _pid ? ExitStatus.FromWaitStatus(status) : new ExitStatus(null, null));
        return false;
    }
}
