using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Output;

/// <summary>
/// The output of one process over its whole life in the supervisor (all runs): the ring for live readers and the
/// rotating log on disk. Written only by the I/O thread; the child is never blocked by a reader. Small reads are
/// gathered into one log write per I/O batch (the ring gets them at once). A log file that cannot be written is
/// reported once, and again once it can (the ring keeps everything meanwhile).
/// </summary>
internal sealed class ProcessOutput : IOutputSink, IBatchFlush, IDisposable
{
    private const int LogBufferBytes = 64 * 1024;

    private readonly object _logLock = new();
    private readonly RotatingLog _log;
    private readonly IoLoop _io;
    private readonly LogFileReport _report;
    private byte[]? _logBuffer;
    private int _logBuffered;
    private bool _logFailing;
    private bool _disposed;

    public ProcessOutput(RotatingLog log, int ringBytes, IoLoop io, LogFileReport report)
    {
        _log = log;
        _io = io;
        _report = report;
        Ring = new OutputRing(ringBytes, log.EndOffset);
    }

    public OutputRing Ring { get; }

    public string Epoch => _log.Epoch;

    public void Write(StreamKind kind, ReadOnlySpan<byte> data)
    {
        lock (_logLock)
        {
            if (_logBuffered + data.Length > LogBufferBytes)
            {
                FlushLocked();
            }

            if (data.Length >= LogBufferBytes)
            {
                WriteLogLocked(data);
            }
            else
            {
                if (_logBuffered == 0)
                {
                    _io.FlushAfterBatch(this);
                }

                _logBuffer ??= new byte[LogBufferBytes];
                data.CopyTo(_logBuffer.AsSpan(_logBuffered));
                _logBuffered += data.Length;
            }
        }

        Ring.Append(kind, data);
    }

    public void Flush()
    {
        lock (_logLock)
        {
            FlushLocked();
        }
    }

    /// <summary>The last <paramref name="maxBytes"/> bytes held, as text.</summary>
    public string Tail(int maxBytes)
    {
        var (start, end) = Ring.Range;
        var position = Math.Max(start, end - Math.Min(end, (ulong)maxBytes));
        var bytes = new List<byte>();
        var buffer = new byte[maxBytes];
        while (position < end && Ring.Read(position, buffer, out _) is OutputChunk chunk)
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
            FlushLocked();
            _disposed = true;
            _log.Dispose();
        }

        Ring.Complete();
    }

    private void FlushLocked()
    {
        if (_logBuffered > 0)
        {
            WriteLogLocked(_logBuffer.AsSpan(0, _logBuffered));
            _logBuffered = 0;
        }
    }

    private void WriteLogLocked(ReadOnlySpan<byte> data)
    {
        if (_disposed)
        {
            return;
        }

        var error = _log.Write(data);
        if (error is not null && !_logFailing)
        {
            _report.Failed(error);
        }
        else if (error is null && _logFailing)
        {
            _report.Recovered();
        }

        _logFailing = error is not null;
    }
}

/// <summary>Where a process's output tells that its log file failed, and that it is written again.</summary>
internal sealed record LogFileReport(Action<string> Failed, Action Recovered);
