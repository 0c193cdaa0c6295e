using System.Threading.Channels;
using RemoteDev.V1;

namespace RemoteDev.Agent.Hosting;

/// <summary>One subscriber's bounded feed of process transitions; dispose to unsubscribe.</summary>
internal sealed class EventSubscription(ChannelReader<ProcessEvent> events, Action unsubscribe) : IDisposable
{
    public ChannelReader<ProcessEvent> Events { get; } = events;

    public void Dispose() => unsubscribe();
}
