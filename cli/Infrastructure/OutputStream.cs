using Microsoft.Win32.SafeHandles;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>
/// A standard output file descriptor, written unbuffered. .NET's console streams ignore EPIPE on Linux (the runtime
/// ignores SIGPIPE), so a closed `| head` would never end rdev; here every failed write is an
/// <see cref="OutputException"/> that <see cref="CliAction"/> turns into an exit code.
/// </summary>
internal sealed class OutputStream(int fd) : Stream
{
    private readonly FileStream _file = new(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            _file.Write(buffer);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new OutputException(error);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await _file.WriteAsync(buffer, cancellationToken);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new OutputException(error);
        }
    }

    /// <summary>Nothing is buffered.</summary>
    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
        }

        base.Dispose(disposing);
    }
}
