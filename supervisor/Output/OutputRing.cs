namespace RemoteDev.Supervisor.Output;

/// <summary>
/// A bounded byte ring over one ever-growing offset space: holds [Start, End). Each byte keeps the stream kind it
/// was read from through a bounded list of kind runs. One writer (the I/O thread) and any number of readers; the
/// writer never waits for a reader: a reader that falls behind sees a gap. The buffer grows on demand up to its
/// capacity, so a quiet process costs no ring memory.
/// </summary>
internal sealed class OutputRing
{
    private const int MaxRuns = 8192;
    private const int MinBufferBytes = 4096;

    private readonly object _lock = new();
    private readonly int _capacity;
    private byte[] _buffer = [];
    private (ulong Offset, StreamKind Kind)[] _runs = [];
    private int _runHead;
    private int _runCount;
    private ulong _start;
    private ulong _end;
    private bool _completed;
    private TaskCompletionSource? _waiters;

    public OutputRing(int capacity, ulong initialOffset)
    {
        _capacity = capacity;
        _start = initialOffset;
        _end = initialOffset;
    }

    public (ulong Start, ulong End) Range
    {
        get
        {
            lock (_lock)
            {
                return (_start, _end);
            }
        }
    }

    /// <summary>
    /// Bytes are copied outside the lock: the overwritten range is evicted (Start moves past it) before the copy and
    /// End moves after it, so a reader never sees a byte that is being written.
    /// </summary>
    public void Append(StreamKind kind, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        byte[] buffer;
        int at;
        lock (_lock)
        {
            Grow((int)Math.Min((ulong)_capacity, _end - _start + (ulong)data.Length));
            if (data.Length > _buffer.Length)
            {
                _end += (ulong)(data.Length - _buffer.Length);
                _start = _end;
                _runCount = 0;
                data = data[^_buffer.Length..];
            }

            AddRun(kind);
            var newEnd = _end + (ulong)data.Length;
            if (newEnd - _start > (ulong)_buffer.Length)
            {
                Evict(newEnd - (ulong)_buffer.Length);
            }

            buffer = _buffer;
            at = (int)(_end % (ulong)buffer.Length);
        }

        var first = Math.Min(data.Length, buffer.Length - at);
        data[..first].CopyTo(buffer.AsSpan(at));
        data[first..].CopyTo(buffer);
        TaskCompletionSource? wake;
        lock (_lock)
        {
            _end += (ulong)data.Length;
            wake = _waiters;
            _waiters = null;
        }

        wake?.TrySetResult();
    }

    /// <summary>No more data will come (the process was removed).</summary>
    public void Complete()
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            _completed = true;
            wake = _waiters;
            _waiters = null;
        }

        wake?.TrySetResult();
    }

    /// <summary>
    /// The record at <paramref name="position"/>, or null when nothing is there yet. A chunk's bytes are copied into
    /// <paramref name="destination"/> outside the lock and checked afterwards: if the writer evicted them meanwhile,
    /// the reader gets the gap instead.
    /// </summary>
    public OutputRecord? Read(ulong position, Memory<byte> destination, out bool completed)
    {
        byte[] buffer;
        StreamKind kind;
        int length;
        lock (_lock)
        {
            completed = _completed;
            if (position < _start)
            {
                return new OutputGap(position, _start - position);
            }

            if (position >= _end)
            {
                return null;
            }

            (kind, var runEnd) = RunAt(position);
            length = (int)Math.Min(Math.Min(runEnd, _end) - position, (ulong)destination.Length);
            buffer = _buffer;
        }

        var data = destination[..length];
        var at = (int)(position % (ulong)buffer.Length);
        var first = Math.Min(length, buffer.Length - at);
        buffer.AsSpan(at, first).CopyTo(data.Span);
        buffer.AsSpan(0, length - first).CopyTo(data.Span[first..]);
        lock (_lock)
        {
            return position < _start ? new OutputGap(position, _start - position) : new OutputChunk(position, kind, data);
        }
    }

    /// <summary>Completes when data past <paramref name="position"/> exists or the ring completes.</summary>
    public Task WaitAsync(ulong position)
    {
        lock (_lock)
        {
            if (_end > position || _completed)
            {
                return Task.CompletedTask;
            }

            _waiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiters.Task;
        }
    }

    private void Grow(int needed)
    {
        if (needed <= _buffer.Length)
        {
            return;
        }

        var grown = new byte[Math.Min(_capacity, Math.Max(needed, Math.Max(MinBufferBytes, _buffer.Length * 2)))];
        for (var offset = _start; offset < _end;)
        {
            var at = (int)(offset % (ulong)_buffer.Length);
            var length = (int)Math.Min(_end - offset, (ulong)(_buffer.Length - at));
            _buffer.AsSpan(at, length).CopyTo(grown.AsSpan((int)(offset % (ulong)grown.Length)));
            offset += (ulong)length;
        }

        _buffer = grown;
    }

    private void AddRun(StreamKind kind)
    {
        if (_runCount == _runs.Length && _runs.Length < MaxRuns)
        {
            var grown = new (ulong, StreamKind)[Math.Max(16, _runs.Length * 2)];
            for (var i = 0; i < _runCount; i++)
            {
                grown[i] = _runs[(_runHead + i) % _runs.Length];
            }

            (_runs, _runHead) = (grown, 0);
        }

        if (_runCount > 0 && _runs[(_runHead + _runCount - 1) % _runs.Length].Kind == kind)
        {
            return;
        }

        if (_runCount == MaxRuns)
        {
            Evict(_runs[(_runHead + 1) % _runs.Length].Offset);
        }

        _runs[(_runHead + _runCount) % _runs.Length] = (_end, kind);
        _runCount++;
    }

    private void Evict(ulong newStart)
    {
        _start = Math.Max(_start, newStart);
        while (_runCount > 1 && _runs[(_runHead + 1) % _runs.Length].Offset <= _start)
        {
            _runHead = (_runHead + 1) % _runs.Length;
            _runCount--;
        }
    }

    private (StreamKind Kind, ulong End) RunAt(ulong position)
    {
        int lo = 0, hi = _runCount - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (_runs[(_runHead + mid) % _runs.Length].Offset <= position)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        var end = lo + 1 < _runCount ? _runs[(_runHead + lo + 1) % _runs.Length].Offset : ulong.MaxValue;
        return (_runs[(_runHead + lo) % _runs.Length].Kind, end);
    }
}
