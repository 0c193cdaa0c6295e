using System.Runtime.InteropServices;

namespace RemoteDev.Supervisor.Native;

/// <summary>
/// One end of a non-blocking pipe as an async-only <see cref="Stream"/>: a read or write that would block waits for the
/// I/O loop to report the fd ready, so no thread is held by a child that is slow to write or read, or by a process
/// that keeps the pipe open for ever. One operation at a time, as for any Stream; dispose (it closes the fd) only when
/// none is pending.
/// </summary>
internal sealed class PipeEndStream(IoLoop loop, int fd, FileAccess access) : Stream
{
    private bool _closed;

    public override bool CanRead => access == FileAccess.Read && !_closed;

    public override bool CanWrite => access == FileAccess.Write && !_closed;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>
    /// Reads what the pipe has, waiting while it is empty; 0 at EOF. A zero-byte read, as on a socket, only waits until
    /// the pipe has data or is at EOF, and reads nothing.
    /// </summary>
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Require(FileAccess.Read);
        if (buffer.IsEmpty)
        {
            await loop.WhenReadableAsync(fd, cancellationToken).ConfigureAwait(false);
            return 0;
        }

        while (true)
        {
            var n = ReadSome(buffer.Span);
            if (n >= 0)
            {
                return (int)n;
            }

            await WaitAsync(Marshal.GetLastPInvokeError(), "read", cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Require(FileAccess.Write);
        while (!buffer.IsEmpty)
        {
            var n = WriteSome(buffer.Span);
            if (n >= 0)
            {
                buffer = buffer[(int)n..];
                continue;
            }

            await WaitAsync(Marshal.GetLastPInvokeError(), "write", cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Bytes in the pipe not read yet (FIONREAD).</summary>
    public unsafe int Unread()
    {
        Require(FileAccess.Read);
        int count;
        return Libc.ioctl(fd, Libc.FIONREAD, &count) == 0
            ? count
            : throw new IOException($"pipe FIONREAD failed: {Libc.ErrorText(Marshal.GetLastPInvokeError())}");
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("asynchronous only");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (!_closed)
        {
            _closed = true;
            Libc.close(fd);
        }

        base.Dispose(disposing);
    }

    private void Require(FileAccess direction)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if (access != direction)
        {
            throw new NotSupportedException($"this pipe end is for {access}");
        }
    }

    private Task WaitAsync(int errno, string operation, CancellationToken cancellationToken) => errno switch
    {
        Libc.EAGAIN when access == FileAccess.Read => loop.WhenReadableAsync(fd, cancellationToken),
        Libc.EAGAIN => loop.WhenWritableAsync(fd, cancellationToken),
        Libc.EINTR => Task.CompletedTask,
        _ => throw new IOException($"pipe {operation} failed: {Libc.ErrorText(errno)}"),
    };

    private unsafe nint ReadSome(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            return Libc.read(fd, p, buffer.Length);
        }
    }

    private unsafe nint WriteSome(ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            return Libc.write(fd, p, buffer.Length);
        }
    }
}
