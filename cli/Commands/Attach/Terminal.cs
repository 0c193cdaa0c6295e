using System.Runtime.InteropServices;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Attach;

/// <summary>
/// The local terminal on stdin: raw mode while attached (restored on dispose) and the window size. Done with
/// termios calls rather than `stty` children: .NET re-applies its saved terminal settings whenever a child process
/// exits, which would undo `stty raw`.
/// </summary>
internal sealed class Terminal : IDisposable
{
    private const int StdinFd = 0;
    private const int TcsaNow = 0;
    /// <summary>Linux TIOCGWINSZ: struct winsize { rows, cols, xpixel, ypixel } as four ushorts.</summary>
    private const nuint TiocGWinSz = 0x5413;
    /// <summary>Larger than any libc's struct termios; treated as opaque.</summary>
    private const int TermiosBytes = 256;

    private readonly byte[] _saved;

    private Terminal(byte[] saved) => _saved = saved;

    public static Terminal EnterRaw()
    {
        var saved = new byte[TermiosBytes];
        Check(TcGetAttr(StdinFd, saved), "tcgetattr");
        var raw = (byte[])saved.Clone();
        CfMakeRaw(raw);
        Check(TcSetAttr(StdinFd, TcsaNow, raw), "tcsetattr");
        // Raw output does not return the carriage at a line feed: rdev's own lines (reattached, reconnecting) do it.
        Console.Error.NewLine = "\r\n";
        return new Terminal(saved);
    }

    public static V1.TerminalSize Size()
    {
        var size = new ushort[4];
        Check(IoCtl(StdinFd, TiocGWinSz, size), "ioctl(TIOCGWINSZ)");
        return new V1.TerminalSize { Rows = size[0], Cols = size[1] };
    }

    public void Dispose()
    {
        Console.Error.NewLine = "\n";
        Check(TcSetAttr(StdinFd, TcsaNow, _saved), "tcsetattr");
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new CliException(ExitCodes.Failure, $"{call} on stdin failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "tcgetattr", SetLastError = true)]
    private static extern int TcGetAttr(int fd, byte[] termios);

    [DllImport("libc", EntryPoint = "tcsetattr", SetLastError = true)]
    private static extern int TcSetAttr(int fd, int optionalActions, byte[] termios);

    [DllImport("libc", EntryPoint = "cfmakeraw")]
    private static extern void CfMakeRaw(byte[] termios);

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int IoCtl(int fd, nuint request, ushort[] winsize);
}
