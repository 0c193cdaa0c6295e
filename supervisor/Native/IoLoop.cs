using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace RemoteDev.Supervisor.Native;

/// <summary>Called on the I/O thread when its fd is readable (or hung up). Must not block.</summary>
internal interface IIoHandler
{
    /// <summary>Returns false when the handler is done: the loop then unregisters and closes its fd.</summary>
    bool OnReady(Span<byte> scratch);
}

/// <summary>Buffers work on the I/O thread and completes it when the current batch of events is handled.</summary>
internal interface IBatchFlush
{
    void Flush();
}

/// <summary>
/// One thread, one epoll set: every output fd and every child's pidfd of the supervisor. Handlers only read and
/// post events; the thread never waits on anything but epoll.
/// </summary>
internal sealed class IoLoop : IDisposable
{
    private const int MaxEvents = 64;
    public const int ScratchBytes = 256 * 1024;

    private readonly ConcurrentDictionary<ulong, (int Fd, IIoHandler Handler)> _handlers = new();
    private readonly ConcurrentQueue<ulong> _abandoned = new();
    private readonly List<IBatchFlush> _pendingFlushes = [];
    private readonly int _epoll;
    private readonly int _wake;
    private readonly Thread _thread;
    private ulong _nextToken = 1;
    private volatile bool _stopping;

    public IoLoop()
    {
        _epoll = Libc.epoll_create1(Libc.O_CLOEXEC);
        _wake = Libc.eventfd(0, Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        if (_epoll < 0 || _wake < 0)
        {
            throw new SupervisorStartException($"epoll setup: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        }

        Control(Libc.EPOLL_CTL_ADD, _wake, 0, Libc.EPOLLIN);
        _thread = new Thread(Run) { IsBackground = true, Name = "supervisor-io" };
        _thread.Start();
    }

    public void Add(int fd, IIoHandler handler)
    {
        var token = Interlocked.Increment(ref _nextToken);
        _handlers[token] = (fd, handler);
        Control(Libc.EPOLL_CTL_ADD, fd, token, Libc.EPOLLIN);
    }

    /// <summary>
    /// Completes once <paramref name="fd"/> is readable (or hung up); the fd stays open and unregistered. Cancelled
    /// only after the I/O thread unregistered the fd, so the caller may close it then.
    /// </summary>
    public Task WhenReadableAsync(int fd, CancellationToken cancellationToken) => WhenReadyAsync(fd, Libc.EPOLLIN, cancellationToken);

    /// <summary>Completes once <paramref name="fd"/> is writable (or in error); as <see cref="WhenReadableAsync"/> otherwise.</summary>
    public Task WhenWritableAsync(int fd, CancellationToken cancellationToken) => WhenReadyAsync(fd, Libc.EPOLLOUT, cancellationToken);

    /// <summary>Called on the I/O thread only: <paramref name="flush"/> runs once the current batch is handled.</summary>
    public void FlushAfterBatch(IBatchFlush flush) => _pendingFlushes.Add(flush);

    public void Dispose()
    {
        _stopping = true;
        Wake();
        _thread.Join();
        foreach (var (_, entry) in _handlers)
        {
            if (entry.Handler is ReadyOnce ready)
            {
                ready.Cancel();
            }
            else
            {
                Libc.close(entry.Fd);
            }
        }

        Libc.close(_wake);
        Libc.close(_epoll);
    }

    private async Task WhenReadyAsync(int fd, uint events, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var token = Interlocked.Increment(ref _nextToken);
        var ready = new ReadyOnce(cancellationToken);
        _handlers[token] = (fd, ready);
        try
        {
            Control(Libc.EPOLL_CTL_ADD, fd, token, events | Libc.EPOLLONESHOT);
        }
        catch (InvalidOperationException)
        {
            _handlers.TryRemove(token, out _);
            throw;
        }

        // Registered only now: the I/O thread must never unregister what is not registered yet.
        await using (cancellationToken.Register(() => Abandon(token)))
        {
            await ready.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Any thread: the I/O thread unregisters <paramref name="token"/> (it alone removes registrations).</summary>
    private void Abandon(ulong token)
    {
        _abandoned.Enqueue(token);
        Wake();
    }

    private unsafe void Wake()
    {
        ulong one = 1;
        Libc.write(_wake, (byte*)&one, sizeof(ulong));
    }

    private unsafe void Control(int op, int fd, ulong token, uint events)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(ulong*)(ev + EpollLayout.DataOffset) = token;
        if (Libc.epoll_ctl(_epoll, op, fd, ev) != 0)
        {
            throw new InvalidOperationException($"epoll_ctl({fd}): {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
        }
    }

    private unsafe void Run()
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EpollLayout.Size));
        var scratch = new byte[ScratchBytes];
        try
        {
            while (!_stopping)
            {
                var count = Libc.epoll_wait(_epoll, events, MaxEvents, -1);
                for (var i = 0; i < count && !_stopping; i++)
                {
                    var token = *(ulong*)(events + (i * EpollLayout.Size) + EpollLayout.DataOffset);
                    if (token == 0)
                    {
                        DropAbandoned();
                    }
                    else if (_handlers.TryGetValue(token, out var entry) && !entry.Handler.OnReady(scratch))
                    {
                        Remove(token, entry);
                    }
                }

                foreach (var flush in _pendingFlushes)
                {
                    flush.Flush();
                }

                _pendingFlushes.Clear();
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }

    private void Remove(ulong token, (int Fd, IIoHandler Handler) entry)
    {
        Control(Libc.EPOLL_CTL_DEL, entry.Fd, 0, 0);
        _handlers.TryRemove(token, out _);
        if (entry.Handler is ReadyOnce ready)
        {
            ready.Complete();
        }
        else
        {
            Libc.close(entry.Fd);
        }
    }

    private unsafe void DropAbandoned()
    {
        ulong count;
        Libc.read(_wake, (byte*)&count, sizeof(ulong));
        while (_abandoned.TryDequeue(out var token))
        {
            if (_handlers.TryRemove(token, out var entry))
            {
                Control(Libc.EPOLL_CTL_DEL, entry.Fd, 0, 0);
                ((ReadyOnce)entry.Handler).Cancel();
            }
        }
    }

    /// <summary>One wait for readiness: its fd belongs to the caller and is never closed by the loop.</summary>
    private sealed class ReadyOnce(CancellationToken cancellationToken) : IIoHandler
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => _done.Task;

        public bool OnReady(Span<byte> scratch) => false;

        public void Complete() => _done.TrySetResult();

        public void Cancel() => _done.TrySetCanceled(cancellationToken);
    }
}
