using System.Threading.Channels;
using Grpc.Core;

namespace RemoteDev.ControlPlane.Output;

/// <summary>
/// One subscriber's bounded buffer (bytes of output, and items). Overflow ends it with RESOURCE_EXHAUSTED "attacher too
/// slow" and drops what it held: a subscriber stuck writing to a client that stopped reading keeps nothing but the
/// message in hand, and its next read is the error. "Stored" notices are only wake-ups: one waiting is enough.
/// </summary>
internal sealed class OutputSubscription : IDisposable
{
    // Small chunks (a line each at 1,000 lines/s) must not hit this before the byte budget does.
    private const int MaxItems = 65536;

    private readonly Channel<HubItem> _items = Channel.CreateBounded<HubItem>(new BoundedChannelOptions(MaxItems)
    {
        SingleReader = false, // the overflowing writer drains it too
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly long _maxBytes;
    private readonly Action<OutputSubscription> _onDispose;
    private long _queuedBytes;
    private int _storedPending;
    private int _disposed;

    public OutputSubscription(long maxBytes, Action<OutputSubscription> onDispose)
    {
        _maxBytes = maxBytes;
        _onDispose = onDispose;
    }

    public ChannelReader<HubItem> Reader => _items.Reader;

    /// <summary>Bytes of output waiting for the subscriber.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    private static RpcException TooSlow() => new(new Status(StatusCode.ResourceExhausted,
        "attacher too slow: it fell too far behind the live output and was cut off; reattach from its last offset"));

    /// <summary>Call after consuming a chunk, to release its bytes from the budget.</summary>
    public void Consumed(HubItem item)
    {
        switch (item)
        {
            case HubItem.Chunk chunk:
                Interlocked.Add(ref _queuedBytes, -chunk.Data.Length);
                break;
            case HubItem.Stored:
                Volatile.Write(ref _storedPending, 0);
                break;
        }
    }

    internal void Offer(HubItem item)
    {
        if (_items.Reader.Completion.IsCompleted || item is HubItem.Stored && Interlocked.Exchange(ref _storedPending, 1) == 1)
        {
            return;
        }

        var size = item is HubItem.Chunk chunk ? chunk.Data.Length : 0;
        if (Interlocked.Add(ref _queuedBytes, size) <= _maxBytes && _items.Writer.TryWrite(item))
        {
            return;
        }

        Interlocked.Add(ref _queuedBytes, -size);
        if (_items.Writer.TryComplete(TooSlow()))
        {
            while (_items.Reader.TryRead(out var dropped))
            {
                Consumed(dropped);
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _items.Writer.TryComplete();
            _onDispose(this);
        }
    }
}
