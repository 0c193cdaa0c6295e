using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Store;

internal readonly record struct OutputStreamKey(string SandboxId, string Process);

/// <summary>A chunk of bytes or a gap (GapLength > 0, no data) at an agent offset of an epoch.</summary>
internal readonly record struct OutputWrite(OutputStreamKey Stream, string Epoch, ulong Offset, StreamKind Kind, ReadOnlyMemory<byte> Data, ulong GapLength)
{
    public bool IsGap => GapLength > 0;

    public ulong Length => IsGap ? GapLength : (ulong)Data.Length;

    public static OutputWrite Chunk(OutputStreamKey stream, string epoch, ulong offset, StreamKind kind, ReadOnlyMemory<byte> data) =>
        new(stream, epoch, offset, kind, data, 0);

    public static OutputWrite Gap(OutputStreamKey stream, string epoch, ulong offset, ulong length) =>
        length == 0
            ? throw new ArgumentOutOfRangeException(nameof(length), "A gap has a positive length.")
            : new(stream, epoch, offset, StreamKind.Unspecified, ReadOnlyMemory<byte>.Empty, length);
}

/// <summary>
/// A stream's durable state. End is exclusive in stored offsets; [RetainedStart, End) is readable. The agent's
/// acknowledged offset in <see cref="Epoch"/> is <see cref="EpochEnd"/>.
/// </summary>
internal sealed record OutputStreamState(OutputStreamKey Stream, string Epoch, ulong EpochBase, ulong End, ulong RetainedStart, ulong RetentionBytes)
{
    public ulong EpochEnd => End - EpochBase;

    /// <summary>
    /// An agent offset in <paramref name="epoch"/> as a stored offset. An epoch other than the stream's is one not
    /// opened yet: it will open at <see cref="End"/>.
    /// </summary>
    public ulong ToStored(string epoch, ulong agentOffset) => (epoch == Epoch ? EpochBase : End) + agentOffset;
}

/// <summary>Stored bytes, or a gap (GapLength > 0) for output that was lost or pruned.</summary>
internal sealed record OutputSegment(ulong Offset, StreamKind Kind, ReadOnlyMemory<byte> Data, ulong GapLength)
{
    public bool IsGap => GapLength > 0;

    public ulong Length => IsGap ? GapLength : (ulong)Data.Length;

    public ulong End => Offset + Length;
}

/// <summary>NextOffset: where to continue reading. Stream is null when nothing was ever stored.</summary>
internal sealed record OutputRead(IReadOnlyList<OutputSegment> Segments, ulong NextOffset, OutputStreamState? Stream);
