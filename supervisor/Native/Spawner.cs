using System.Runtime.InteropServices;
using System.Text;

namespace RemoteDev.Supervisor.Native;

/// <summary>
/// Starts children with posix_spawn: every child gets POSIX_SPAWN_SETSID (it leads a new session and process group,
/// so kill(-pid) reaches its descendants), an empty signal mask and default dispositions (the runtime ignores
/// SIGPIPE; children must not inherit that). A PTY child opens the slave by path inside the spawn, after setsid and
/// without O_NOCTTY, which makes it the controlling terminal: no helper like `setsid --ctty` and no extra exec.
/// Descriptors above stderr are closed in the child, including any the agent inherited without close-on-exec (a
/// stray write end would hold another process's output open forever), and a PWD in the environment names the real
/// working directory (programs such as OpenCode trust PWD over getcwd; an inherited PWD would name the agent's).
/// </summary>
internal static unsafe class Spawner
{
    private const int PipeBytes = 256 * 1024;
    private const int SpawnStructBytes = 1024;

    public static SpawnedChild Spawn(SpawnRequest request)
    {
        var fileActions = NativeMemory.AllocZeroed(SpawnStructBytes);
        var attr = NativeMemory.AllocZeroed(SpawnStructBytes);
        var sigset = NativeMemory.AllocZeroed(SpawnStructBytes);
        var strings = new NativeStrings();
        var parentFds = new List<int>();
        var childFds = new List<int>();
        try
        {
            Libc.posix_spawn_file_actions_init(fileActions);
            Libc.posix_spawnattr_init(attr);
            Libc.posix_spawnattr_setflags(
                attr, (short)(Libc.POSIX_SPAWN_SETSID | Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF));
            Libc.sigemptyset(sigset);
            Libc.posix_spawnattr_setsigmask(attr, sigset);
            Libc.sigfillset(sigset);
            Libc.posix_spawnattr_setsigdefault(attr, sigset);
            var cwd = Path.GetFullPath(request.Cwd);
            Libc.posix_spawn_file_actions_addchdir_np(fileActions, strings.Add(cwd));

            var child = request.Terminal is { } size
                ? AddPty(fileActions, strings, size, parentFds)
                : AddPipes(fileActions, strings, request.StdinOpen, parentFds, childFds);

            Libc.posix_spawn_file_actions_addclosefrom_np(fileActions, 3);
            var argv = strings.AddArray(request.Argv);
            var envp = strings.AddArray(request.Env.Select(p => p.Key + "=" + (p.Key == "PWD" ? cwd : p.Value)).ToList());
            int pid;
            var rc = Libc.posix_spawn(&pid, strings.Add(request.Executable), fileActions, attr, argv, envp);
            CloseAll(childFds);
            childFds.Clear();
            if (rc != 0)
            {
                throw new SpawnException($"cannot execute '{request.Executable}': {Libc.ErrorText(rc)}");
            }

            parentFds.Clear();
            return child with { Pid = pid };
        }
        finally
        {
            CloseAll(childFds);
            CloseAll(parentFds);
            Libc.posix_spawn_file_actions_destroy(fileActions);
            Libc.posix_spawnattr_destroy(attr);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigset);
            strings.Dispose();
        }
    }

    public static void Resize(int ptyFd, TerminalSize size)
    {
        var winsize = stackalloc ushort[4];
        winsize[0] = size.Rows;
        winsize[1] = size.Cols;
        if (Libc.ioctl(ptyFd, Libc.TIOCSWINSZ, winsize) != 0)
        {
            throw new ProcessOperationException($"resize failed: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        }
    }

    private static SpawnedChild AddPipes(
        void* fileActions, NativeStrings strings, bool stdinOpen, List<int> parentFds, List<int> childFds)
    {
        var (outRead, outWrite) = Pipe(parentFds, childFds);
        var (errRead, errWrite) = Pipe(parentFds, childFds);
        Libc.fcntl(outRead, Libc.F_SETPIPE_SZ, PipeBytes);
        Libc.SetNonBlocking(outRead);
        Libc.SetNonBlocking(errRead);
        var stdinWrite = -1;
        if (stdinOpen)
        {
            var (inRead, inWrite) = Pipe(childFds, parentFds);
            Libc.posix_spawn_file_actions_adddup2(fileActions, inRead, 0);
            Libc.SetNonBlocking(inWrite);
            stdinWrite = inWrite;
        }
        else
        {
            Libc.posix_spawn_file_actions_addopen(fileActions, 0, strings.Add("/dev/null"), Libc.O_RDONLY, 0);
        }

        Libc.posix_spawn_file_actions_adddup2(fileActions, outWrite, 1);
        Libc.posix_spawn_file_actions_adddup2(fileActions, errWrite, 2);
        return new SpawnedChild(0, outRead, errRead, -1, stdinWrite);
    }

    private static SpawnedChild AddPty(void* fileActions, NativeStrings strings, TerminalSize size, List<int> parentFds)
    {
        var master = Libc.posix_openpt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        if (master < 0)
        {
            throw new SpawnException($"posix_openpt: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        }

        parentFds.Add(master);
        var name = stackalloc byte[128];
        if (Libc.grantpt(master) != 0 || Libc.unlockpt(master) != 0 || Libc.ptsname_r(master, name, 128) != 0)
        {
            throw new SpawnException($"pty setup: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        }

        Resize(master, size);
        var input = Libc.fcntl(master, 1030 /* F_DUPFD_CLOEXEC */, 3);
        parentFds.Add(input);
        Libc.SetNonBlocking(master);
        Libc.posix_spawn_file_actions_addopen(fileActions, 0, name, Libc.O_RDWR, 0);
        Libc.posix_spawn_file_actions_adddup2(fileActions, 0, 1);
        Libc.posix_spawn_file_actions_adddup2(fileActions, 0, 2);
        return new SpawnedChild(0, -1, -1, master, input);
    }

    private static (int Read, int Write) Pipe(List<int> readOwner, List<int> writeOwner)
    {
        var fds = stackalloc int[2];
        if (Libc.pipe2(fds, Libc.O_CLOEXEC) != 0)
        {
            throw new SpawnException($"pipe2: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        }

        readOwner.Add(fds[0]);
        writeOwner.Add(fds[1]);
        return (fds[0], fds[1]);
    }

    private static void CloseAll(List<int> fds)
    {
        foreach (var fd in fds)
        {
            Libc.close(fd);
        }
    }

    /// <summary>NUL-terminated UTF-8 strings and string arrays in native memory, freed together.</summary>
    private sealed class NativeStrings : IDisposable
    {
        private readonly List<nint> _blocks = [];

        public byte* Add(string value)
        {
            var count = Encoding.UTF8.GetByteCount(value);
            var block = (byte*)NativeMemory.Alloc((nuint)count + 1);
            Encoding.UTF8.GetBytes(value, new Span<byte>(block, count));
            block[count] = 0;
            _blocks.Add((nint)block);
            return block;
        }

        public byte** AddArray(IReadOnlyList<string> values)
        {
            var array = (byte**)NativeMemory.Alloc((nuint)(sizeof(nint) * (values.Count + 1)));
            _blocks.Add((nint)array);
            for (var i = 0; i < values.Count; i++)
            {
                array[i] = Add(values[i]);
            }

            array[values.Count] = null;
            return array;
        }

        public void Dispose()
        {
            foreach (var block in _blocks)
            {
                NativeMemory.Free((void*)block);
            }
        }
    }
}
