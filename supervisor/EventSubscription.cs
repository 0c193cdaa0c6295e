using System.Threading.Channels;

namespace RemoteDev.Supervisor;

/// <summary>
/// Events after <see cref="StartSeq"/>, in seq order. Reading throws <see cref="EventsLostException"/> when this
/// subscriber fell behind (resync via List and subscribe again). Dispose to unsubscribe.
/// </summary>
public sealed class EventSubscription : IDisposable
{
    private readonly ChannelReader<ProcessEvent> _reader;
    private readonly Action _unsubscribe;

    internal EventSubscription(ChannelReader<ProcessEvent> reader, ulong startSeq, Action unsubscribe)
    {
        _reader = reader;
        StartSeq = startSeq;
        _unsubscribe = unsubscribe;
    }

    /// <summary>The last seq published before this subscription began.</summary>
    public ulong StartSeq { get; }

    /// <summary>The next event; null when the supervisor shut down.</summary>
    public async ValueTask<ProcessEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        if (await _reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) && _reader.TryRead(out var evt))
        {
            return evt;
        }

        await _reader.Completion.ConfigureAwait(false);
        return null;
    }

    public IAsyncEnumerable<ProcessEvent> ReadAllAsync(CancellationToken cancellationToken) =>
        _reader.ReadAllAsync(cancellationToken);

    public void Dispose() => _unsubscribe();
}
