using System.Runtime.InteropServices;

namespace RemoteDev.Supervisor.Native;

/// <summary>How a child ended: an exit code or a signal.</summary>
internal readonly record struct ExitStatus(int? Code, int? Signal)
{
    public static ExitStatus FromWaitStatus(int status) =>
        (status & 0x7f) == 0 ? new ExitStatus((status >> 8) & 0xff, null) : new ExitStatus(null, status & 0x7f);
}

/// <summary>
/// Reaps exactly one child: its pidfd in the I/O loop becomes readable on exit, then waitpid(pid) collects it. Never
/// waitpid(-1): that would steal the runtime's own children.
/// </summary>
internal sealed unsafe class ExitWatcher : IIoHandler
{
    private readonly int _pid;
    private readonly bool _killGroup;
    private readonly Action<ExitStatus> _onExit;

    private ExitWatcher(int pid, bool killGroup, Action<ExitStatus> onExit)
    {
        _pid = pid;
        _killGroup = killGroup;
        _onExit = onExit;
    }

    /// <summary>
    /// A supervised run: while the leader is still a zombie its process group id cannot be reused, so the rest of the
    /// group is SIGKILLed first (nothing is left behind).
    /// </summary>
    public static void WatchGroup(IoLoop loop, int pid, Action<ExitStatus> onExit) =>
        Watch(loop, new ExitWatcher(pid, killGroup: true, onExit));

    /// <summary>A one-shot command: only the leader is reaped; what it left running in its group keeps running.</summary>
    public static void WatchLeader(IoLoop loop, int pid, Action<ExitStatus> onExit) =>
        Watch(loop, new ExitWatcher(pid, killGroup: false, onExit));

    public bool OnReady(Span<byte> scratch)
    {
        if (_killGroup)
        {
            Libc.kill(-_pid, Signals.SIGKILL);
        }

        int status;
        var rc = Libc.waitpid(_pid, &status, Libc.WNOHANG);
        if (rc == 0)
        {
            return true;
        }

        _onExit(rc == _pid ? ExitStatus.FromWaitStatus(status) : new ExitStatus(null, null));
        return false;
    }

    private static void Watch(IoLoop loop, ExitWatcher watcher)
    {
        var pidfd = Libc.PidfdOpen(watcher._pid);
        if (pidfd < 0)
        {
            throw new InvalidOperationException($"pidfd_open({watcher._pid}): {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        }

        loop.Add(pidfd, watcher);
    }
}
