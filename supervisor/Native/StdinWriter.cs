using System.Runtime.InteropServices;

namespace RemoteDev.Supervisor.Native;

/// <summary>
/// Writes to a child's stdin (a pipe or the PTY master) without blocking a thread: non-blocking writes, and on a
/// full pipe it waits for the I/O loop to report the fd writable. One write at a time; callers queue on a semaphore.
/// </summary>
internal sealed class StdinWriter(IoLoop loop, int fd, bool isPty) : IDisposable
{
    private const byte EndOfTransmission = 0x04;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _closed;

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            while (!data.IsEmpty)
            {
                var n = WriteSome(data.Span);
                if (n > 0)
                {
                    data = data[(int)n..];
                    continue;
                }

                var errno = Marshal.GetLastPInvokeError();
                if (errno is not (Libc.EAGAIN or Libc.EINTR))
                {
                    throw new ProcessOperationException($"stdin write failed: {Libc.ErrorText(errno)}");
                }

                await loop.WhenWritableAsync(fd, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Pipes: close the write end (the child reads EOF). PTY: send EOT, which a canonical-mode reader sees as EOF.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        if (isPty)
        {
            await WriteAsync(new[] { EndOfTransmission }, cancellationToken).ConfigureAwait(false);
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            CloseFd();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Resize(TerminalSize size)
    {
        _gate.Wait();
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            Spawner.Resize(fd, size);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Wait();
        try
        {
            CloseFd();
        }
        finally
        {
            _gate.Release();
        }
    }

    private unsafe nint WriteSome(ReadOnlySpan<byte> data)
    {
        fixed (byte* buffer = data)
        {
            return Libc.write(fd, buffer, data.Length);
        }
    }

    private void CloseFd()
    {
        if (!_closed)
        {
            _closed = true;
            Libc.close(fd);
        }
    }
}
