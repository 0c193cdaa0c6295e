using System.Runtime.InteropServices;
using System.Text;

namespace RemoteDev.Supervisor.Native;

/// <summary>
/// inotify on folders, read by the I/O loop. Reports a file once its writer closed it (IN_CLOSE_WRITE), when one is
/// renamed into or out of place (atomic replace) and when it is deleted: never a half-written file. A folder that
/// does not exist (yet, or any more) is waited for through its nearest existing ancestor: once it is created (or
/// renamed into place) it is watched and reported as appeared, so its files can be read once.
/// </summary>
internal sealed unsafe class DirectoryWatcher : IIoHandler
{
    private const uint FileEvents = Libc.IN_CLOSE_WRITE | Libc.IN_MOVED_TO | Libc.IN_MOVED_FROM | Libc.IN_DELETE;
    private const uint Mask = FileEvents | Libc.IN_CREATE | Libc.IN_ONLYDIR;

    private readonly int _fd;
    private readonly Action<string> _changed;
    private readonly Action<string> _appeared;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, string> _directories = [];
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);
    private readonly HashSet<string> _wanted = new(StringComparer.Ordinal);

    public DirectoryWatcher(IoLoop loop, Action<string> changed, Action<string> appeared)
    {
        _changed = changed;
        _appeared = appeared;
        _fd = Libc.inotify_init1(Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (_fd < 0)
        {
            throw new SupervisorStartException(InitError(Marshal.GetLastPInvokeError()));
        }

        loop.Add(_fd, this);
    }

    /// <summary>
    /// inotify_init1's error. EMFILE is nearly always the per-user count of inotify instances (128 by default), shared
    /// by every sandbox agent of one user on a host, not this process's file descriptors.
    /// </summary>
    private static string InitError(int errno)
    {
        var text = "inotify_init1: " + Libc.ErrorText(errno);
        if (errno != Libc.EMFILE)
        {
            return text;
        }

        const string limit = "/proc/sys/fs/inotify/max_user_instances";
        var current = File.Exists(limit) ? File.ReadAllText(limit).Trim() : "unknown";
        return $"{text}: this user has used up its inotify instances (fs.inotify.max_user_instances = {current}); raise it, e.g. sysctl -w fs.inotify.max_user_instances=8192";
    }

    /// <summary>Watches a folder from now on (idempotent), or its nearest existing ancestor until it exists.</summary>
    public void Watch(string directory)
    {
        lock (_lock)
        {
            if (_wanted.Add(directory))
            {
                Arm(directory, appeared: false);
            }
        }
    }

    /// <summary>Whether file events of this folder are seen (false while it is missing or could not be watched).</summary>
    public bool IsWatched(string directory)
    {
        lock (_lock)
        {
            return _watched.Contains(directory);
        }
    }

    public bool OnReady(Span<byte> scratch)
    {
        fixed (byte* buffer = scratch)
        {
            var n = Libc.read(_fd, buffer, scratch.Length);
            if (n < 0)
            {
                return Marshal.GetLastPInvokeError() is Libc.EAGAIN or Libc.EINTR;
            }

            var at = 0;
            while (at < n)
            {
                var wd = *(int*)(buffer + at);
                var mask = *(uint*)(buffer + at + 4);
                var length = *(uint*)(buffer + at + 12);
                var name = Encoding.UTF8.GetString(buffer + at + 16, (int)length).TrimEnd('\0');
                OnEvent(wd, mask, name);
                at += 16 + (int)length;
            }
        }

        return true;
    }

    private void OnEvent(int wd, uint mask, string name)
    {
        string? directory;
        lock (_lock)
        {
            if (!_directories.TryGetValue(wd, out directory))
            {
                return;
            }

            // The folder is gone: what waited on it (itself, or folders below it) waits on an ancestor again.
            if ((mask & Libc.IN_IGNORED) != 0)
            {
                _directories.Remove(wd);
                _watched.Remove(directory);
                ArmMissing(directory);
                return;
            }

            if ((mask & Libc.IN_ISDIR) != 0 && (mask & (Libc.IN_CREATE | Libc.IN_MOVED_TO)) != 0)
            {
                ArmMissing(Path.Combine(directory, name));
                return;
            }
        }

        if (name.Length > 0 && (mask & FileEvents) != 0)
        {
            _changed(Path.Combine(directory, name));
        }
    }

    /// <summary>Watches the wanted folders at or under <paramref name="folder"/> that are not watched. Called under the lock.</summary>
    private void ArmMissing(string folder)
    {
        foreach (var target in _wanted.Where(t => !_watched.Contains(t) && IsAtOrUnder(t, folder)).ToList())
        {
            Arm(target, appeared: true);
        }
    }

    private static bool IsAtOrUnder(string path, string folder) =>
        path == folder || path.StartsWith(folder + "/", StringComparison.Ordinal);

    /// <summary>
    /// Watches <paramref name="target"/>, or else the nearest ancestor that exists; after watching an ancestor it tries
    /// again from the target, which may have been created meanwhile. Called under the lock.
    /// </summary>
    private void Arm(string target, bool appeared)
    {
        for (var directory = target; directory is not null && !_watched.Contains(directory); directory = Path.GetDirectoryName(directory))
        {
            if (!TryAddWatch(directory))
            {
                continue;
            }

            if (directory != target)
            {
                Arm(target, appeared);
            }
            else if (appeared)
            {
                _appeared(target);
            }

            return;
        }
    }

    private bool TryAddWatch(string directory)
    {
        var bytes = Encoding.UTF8.GetBytes(directory + "\0");
        int wd;
        fixed (byte* path = bytes)
        {
            wd = Libc.inotify_add_watch(_fd, path, Mask);
        }

        if (wd < 0)
        {
            return false;
        }

        _directories[wd] = directory;
        _watched.Add(directory);
        return true;
    }
}
