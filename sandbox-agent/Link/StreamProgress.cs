using System.Collections.Concurrent;
using RemoteDev.V1;

namespace RemoteDev.Agent.Link;

/// <summary>Per output stream: the next offset to send and the offset the control plane acknowledged as stored.</summary>
internal sealed class StreamProgress
{
    private readonly ConcurrentDictionary<(string Process, string Epoch), Entry> _streams = new();

    public void Sent(string process, string epoch, ulong next) =>
        _streams.AddOrUpdate((process, epoch), _ => new Entry(next, 0), (_, e) => e with { Next = next });

    public void Acked(OutputAck ack)
    {
        foreach (var stored in ack.Stored)
        {
            _streams.AddOrUpdate((stored.Process, stored.Epoch), _ => new Entry(stored.Offset, stored.Offset), (_, e) => e with { Acked = Math.Max(e.Acked, stored.Offset) });
        }
    }

    public void Forget(string process, string epoch) => _streams.TryRemove((process, epoch), out _);

    public IReadOnlyList<StreamState> Snapshot() =>
        _streams.Select(kv => new StreamState(kv.Key.Process, kv.Key.Epoch, kv.Value.Next, kv.Value.Acked)).ToList();

    private sealed record Entry(ulong Next, ulong Acked);
}

internal sealed record StreamState(string Process, string Epoch, ulong Next, ulong Acked);
