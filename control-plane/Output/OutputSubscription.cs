using System.Threading.Channels;
using Grpc.Core;

namespace RemoteDev.ControlPlane.Output;

/// <summary>One subscriber's bounded buffer. Overflow ends it with RESOURCE_EXHAUSTED "attacher too slow".</summary>
internal sealed class OutputSubscription : IDisposable
{
    private const int MaxItems = 4096;

    private readonly Channel<HubItem> _items = Channel.CreateBounded<HubItem>(new BoundedChannelOptions(MaxItems)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly long _maxBytes;
    private readonly Action<OutputSubscription> _onDispose;
    private long _queuedBytes;
    private int _disposed;

    public OutputSubscription(long maxBytes, Action<OutputSubscription> onDispose)
    {
        _maxBytes = maxBytes;
        _onDispose = onDispose;
    }

    public ChannelReader<HubItem> Reader => _items.Reader;

    /// <summary>Call after consuming a chunk, to release its bytes from the budget.</summary>
    public void Consumed(HubItem item)
    {
        if (item is HubItem.Chunk chunk)
        {
            Interlocked.Add(ref _queuedBytes, -chunk.Data.Length);
        }
    }

    internal void Offer(HubItem item)
    {
        var size = item is HubItem.Chunk chunk ? chunk.Data.Length : 0;
        if (Interlocked.Add(ref _queuedBytes, size) > _maxBytes || !_items.Writer.TryWrite(item))
        {
            _items.Writer.TryComplete(new RpcException(new Status(StatusCode.ResourceExhausted,
                "attacher too slow: it fell too far behind the live output and was cut off; reattach from its last offset")));
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
