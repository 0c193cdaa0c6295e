using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Output;

/// <summary>
/// The output of one process over its whole life in the supervisor (all runs): the ring for live readers and the
/// rotating log on disk. Written only by the I/O thread; the child is never blocked by a reader.
/// </summary>
internal sealed class ProcessOutput : IOutputSink, IDisposable
{
    private readonly object _logLock = new();
    private readonly RotatingLog _log;
    private bool _disposed;

    public ProcessOutput(RotatingLog log, int ringBytes)
    {
        _log = log;
        Ring = new OutputRing(ringBytes, log.EndOffset);
    }

    public OutputRing Ring { get; }

    public string Epoch => _log.Epoch;

    public void Write(StreamKind kind, ReadOnlySpan<byte> data)
    {
        lock (_logLock)
        {
            if (!_disposed)
            {
                _log.Write(data);
            }
        }

        Ring.Append(kind, data);
    }

    /// <summary>The last <paramref name="maxBytes"/> bytes held, as text.</summary>
    public string Tail(int maxBytes)
    {
        var (start, end) = Ring.Range;
        var position = Math.Max(start, end - Math.Min(end, (ulong)maxBytes));
        var bytes = new List<byte>();
        while (position < end && Ring.Read(position, maxBytes, out _) is OutputChunk chunk)
        {
            bytes.AddRange(chunk.Data.ToArray());
            position += (ulong)chunk.Data.Length;
        }

        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    public void Dispose()
    {
        lock (_logLock)
        {
            _disposed = true;
            _log.Dispose();
        }

        Ring.Complete();
    }
}
