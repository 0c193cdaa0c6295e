using RemoteDev.V1;

namespace RemoteDev.Agent.Tests.Infrastructure;

/// <summary>
/// What the gateway durably "stored" of one output stream: the bytes in offset order, the gap records, and every
/// message that did not start exactly at the stored end (a duplicate or a hole; a correct agent sends none).
/// </summary>
internal sealed class StoredStream
{
    private readonly MemoryStream _bytes = new();

    public ulong End { get; private set; }

    public List<OutputGap> Gaps { get; } = [];

    public List<string> Violations { get; } = [];

    public byte[] Bytes => _bytes.ToArray();

    public long ByteCount => _bytes.Length;

    public void Append(OutputChunk chunk)
    {
        if (chunk.Offset != End)
        {
            Violations.Add($"chunk at {chunk.Offset} (+{chunk.Data.Length}) while stored end is {End}");
            return;
        }

        chunk.Data.WriteTo(_bytes);
        End += (ulong)chunk.Data.Length;
    }

    public void Append(OutputGap gap)
    {
        if (gap.Offset != End)
        {
            Violations.Add($"gap at {gap.Offset} (+{gap.Length}) while stored end is {End}");
            return;
        }

        Gaps.Add(gap);
        End += gap.Length;
    }
}
