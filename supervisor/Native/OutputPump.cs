using System.Runtime.InteropServices;

namespace RemoteDev.Supervisor.Native;

/// <summary>Receives what a pump reads, on the I/O thread.</summary>
internal interface IOutputSink
{
    void Write(StreamKind kind, ReadOnlySpan<byte> data);

    /// <summary>Everything written so far reaches its destinations (called before a pump reports EOF).</summary>
    void Flush();
}

/// <summary>Drains one non-blocking fd (a pipe or a PTY master) into its sink until EOF (EIO on a PTY).</summary>
internal sealed unsafe class OutputPump(int fd, StreamKind kind, IOutputSink sink, Action closed) : IIoHandler
{
    private const int MaxReadsPerWake = 8;

    public bool OnReady(Span<byte> scratch)
    {
        fixed (byte* buffer = scratch)
        {
            for (var i = 0; i < MaxReadsPerWake; i++)
            {
                var n = Libc.read(fd, buffer, scratch.Length);
                if (n > 0)
                {
                    sink.Write(kind, scratch[..(int)n]);
                    if (n < scratch.Length)
                    {
                        return true;
                    }

                    continue;
                }

                if (n < 0 && Marshal.GetLastPInvokeError() is Libc.EAGAIN or Libc.EINTR)
                {
                    return true;
                }

                sink.Flush();
                closed();
                return false;
            }
        }

        return true;
    }
}
