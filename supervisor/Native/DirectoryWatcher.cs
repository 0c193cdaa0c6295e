using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace RemoteDev.Supervisor.Native;

/// <summary>
/// inotify on folders, read by the I/O loop. Reports a file once its writer closed it (IN_CLOSE_WRITE), when one is
/// renamed into or out of place (atomic replace) and when it is deleted: never a half-written file.
/// </summary>
internal sealed unsafe class DirectoryWatcher : IIoHandler
{
    private const uint Mask = Libc.IN_CLOSE_WRITE | Libc.IN_MOVED_TO | Libc.IN_MOVED_FROM | Libc.IN_DELETE;

    private readonly int _fd;
    private readonly Action<string> _changed;
    private readonly ConcurrentDictionary<int, string> _directories = new();
    private readonly ConcurrentDictionary<string, byte> _watched = new(StringComparer.Ordinal);

    public DirectoryWatcher(IoLoop loop, Action<string> changed)
    {
        _changed = changed;
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

    /// <summary>Watches a folder (idempotent). Returns false when it does not exist.</summary>
    public bool Watch(string directory)
    {
        if (_watched.ContainsKey(directory))
        {
            return true;
        }

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
        _watched[directory] = 0;
        return true;
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
                var length = *(uint*)(buffer + at + 12);
                var name = Encoding.UTF8.GetString(buffer + at + 16, (int)length).TrimEnd('\0');
                if (name.Length > 0 && _directories.TryGetValue(wd, out var directory))
                {
                    _changed(Path.Combine(directory, name));
                }

                at += 16 + (int)length;
            }
        }

        return true;
    }
}
