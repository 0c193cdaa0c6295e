using RemoteDev.Supervisor.Output;

namespace RemoteDev.Supervisor;

/// <summary>
/// A reader of one process's output from an offset: chunks in order, a gap record for any range overwritten before
/// it was read. Never blocks the process or other readers. Not thread-safe: one consumer per subscription.
/// The Data of a chunk lives in this subscription's buffer: it is valid until the next read (copy it to keep it).
/// </summary>
public sealed class OutputSubscription
{
    private const int MaxChunkBytes = 64 * 1024;

    private readonly OutputRing _ring;
    private byte[]? _buffer;

    internal OutputSubscription(OutputRing ring, ulong position, string epoch)
    {
        _ring = ring;
        Position = position;
        Epoch = epoch;
    }

    /// <summary>Offset of the next byte this reader will get.</summary>
    public ulong Position { get; private set; }

    public string Epoch { get; }

    /// <summary>
    /// The next record; waits without polling. Null when the process was removed and all was read. A chunk's Data is
    /// valid until the next call.
    /// </summary>
    public async ValueTask<OutputRecord?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            _buffer ??= new byte[MaxChunkBytes];
            var record = _ring.Read(Position, _buffer, out var completed);
            switch (record)
            {
                case OutputChunk chunk:
                    Position += (ulong)chunk.Data.Length;
                    return chunk;
                case OutputGap gap:
                    Position += gap.Length;
                    return gap;
            }

            if (completed)
            {
                return null;
            }

            await _ring.WaitAsync(Position).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads records until the process is removed or the token is cancelled.</summary>
    public async IAsyncEnumerable<OutputRecord> ReadAllAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } record)
        {
            yield return record;
        }
    }
}
