using System.Buffers;

namespace RemoteDev.ControlPlane.Store.Sql;

/// <summary>
/// Turns one stream's writes into rows to insert: translates agent offsets through the epoch, skips what is already
/// stored, records forward jumps as gaps, and coalesces contiguous small chunks of one kind into rows of at most
/// <see cref="MaxRowBytes"/> (so 100-byte chunks do not cost a row each).
/// </summary>
internal sealed class OutputBatch(StreamRow stream)
{
    public const int MaxRowBytes = 64 * 1024;
    private const int GapKind = -1;

    private readonly List<ChunkRow> _rows = [];
    private readonly ArrayBufferWriter<byte> _pending = new();
    private long _pendingStart;
    private int _pendingKind;

    public StreamRow Stream { get; } = stream;

    public IReadOnlyList<ChunkRow> Rows => _rows;

    public void Add(OutputWrite write)
    {
        if (write.Epoch != Stream.Epoch)
        {
            Stream.Epoch = write.Epoch;
            Stream.EpochBase = Stream.End;
        }

        var start = checked(Stream.EpochBase + (long)write.Offset);
        var end = checked(start + (long)write.Length);
        if (end <= Stream.End)
        {
            return;
        }

        if (start > Stream.End)
        {
            AddGap(Stream.End, start);
        }

        if (write.IsGap)
        {
            AddGap(Stream.End, end);
            return;
        }

        var skip = (int)(Math.Max(start, Stream.End) - start);
        AddData(Stream.End, (int)write.Kind, write.Data.Span[skip..]);
    }

    /// <summary>Moves pending coalesced bytes into <see cref="Rows"/>; call once after the last Add.</summary>
    public void Complete() => FlushPending();

    private void AddGap(long start, long end)
    {
        FlushPending();
        if (_rows.Count > 0 && _rows[^1] is { Data: null } last && last.End == start)
        {
            _rows[^1] = last with { End = end };
        }
        else
        {
            _rows.Add(new ChunkRow(Stream.StreamId, start, end, GapKind, null));
        }

        Stream.End = end;
    }

    private void AddData(long start, int kind, ReadOnlySpan<byte> data)
    {
        if (_pending.WrittenCount > 0 && (kind != _pendingKind || _pending.WrittenCount + data.Length > MaxRowBytes))
        {
            FlushPending();
        }

        if (_pending.WrittenCount == 0)
        {
            _pendingStart = start;
            _pendingKind = kind;
        }

        _pending.Write(data);
        Stream.End = start + data.Length;
    }

    private void FlushPending()
    {
        if (_pending.WrittenCount == 0)
        {
            return;
        }

        _rows.Add(new ChunkRow(Stream.StreamId, _pendingStart, _pendingStart + _pending.WrittenCount, _pendingKind, _pending.WrittenSpan.ToArray()));
        _pending.ResetWrittenCount();
    }
}

/// <summary>A mutable copy of an output_streams row inside a write transaction.</summary>
internal sealed class StreamRow
{
    public required long StreamId { get; init; }

    public required OutputStreamKey Key { get; init; }

    public required string Epoch { get; set; }

    public required long EpochBase { get; set; }

    public required long End { get; set; }

    public required long RetainedStart { get; set; }

    public required long Retention { get; set; }

    public OutputStreamState ToState() =>
        new(Key, Epoch, (ulong)EpochBase, (ulong)End, (ulong)RetainedStart, (ulong)Retention);
}
