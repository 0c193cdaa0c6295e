using S = RemoteDev.Supervisor;
using V1 = RemoteDev.V1;

namespace RemoteDev.Agent.Hosting;

/// <summary>
/// One subscriber's bounded feed of process events, from the moment it was created; dispose to unsubscribe.
/// Reading throws <see cref="S.EventsLostException"/> when the subscriber fell behind (resync and subscribe again).
/// </summary>
internal sealed class EventSubscription(S.EventSubscription inner) : IDisposable
{
    /// <summary>The next event; null once the supervisor shut down.</summary>
    public async ValueTask<V1.ProcessEvent?> ReadAsync(CancellationToken cancellationToken) =>
        await inner.ReadAsync(cancellationToken) is { } e ? StatusMapping.ToProto(e) : null;

    public void Dispose() => inner.Dispose();
}
