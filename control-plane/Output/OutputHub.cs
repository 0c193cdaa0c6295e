using System.Collections.Concurrent;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Output;

/// <summary>
/// Live fan-out of stored output and process events to any number of subscribers. Publishing never blocks: a
/// subscriber whose buffer is full is cut off, so a slow attacher cannot slow the others or the agent link.
/// </summary>
internal sealed class OutputHub(ControlPlaneOptions options)
{
    private readonly ConcurrentDictionary<(string SandboxId, string Process), Topic> _topics = new();

    public OutputSubscription Subscribe(string sandboxId, string process)
    {
        var key = (sandboxId, process);
        while (true)
        {
            var topic = _topics.GetOrAdd(key, _ => new Topic());
            var subscription = new OutputSubscription(options.AttacherBufferBytes, s => Unsubscribe(key, topic, s));
            lock (topic)
            {
                if (!topic.Retired)
                {
                    topic.Subscribers.Add(subscription);
                    return subscription;
                }
            }
        }
    }

    /// <summary>Publishes a chunk at its stored offset <paramref name="offset"/> (stored, or certain to be stored there).</summary>
    public void PublishOutput(string sandboxId, string process, StreamKind kind, ulong offset, ReadOnlyMemory<byte> data)
        => Publish(sandboxId, process, new HubItem.Chunk(kind, offset, data));

    /// <summary>Tells followers of stored output that the stream's stored end has moved.</summary>
    public void PublishStored(string sandboxId, string process) => Publish(sandboxId, process, HubItem.Stored.Instance);

    public void PublishEvent(string sandboxId, ProcessEvent processEvent)
        => Publish(sandboxId, processEvent.Process, new HubItem.Event(processEvent));

    private void Publish(string sandboxId, string process, HubItem item)
    {
        if (!_topics.TryGetValue((sandboxId, process), out var topic))
        {
            return;
        }

        OutputSubscription[] subscribers;
        lock (topic)
        {
            subscribers = [.. topic.Subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber.Offer(item);
        }
    }

    private void Unsubscribe((string, string) key, Topic topic, OutputSubscription subscription)
    {
        lock (topic)
        {
            topic.Subscribers.Remove(subscription);
            if (topic.Subscribers.Count == 0)
            {
                topic.Retired = true;
                _topics.TryRemove(new KeyValuePair<(string, string), Topic>(key, topic));
            }
        }
    }

    private sealed class Topic
    {
        public List<OutputSubscription> Subscribers { get; } = [];

        public bool Retired { get; set; }
    }
}

internal abstract record HubItem
{
    private HubItem()
    {
    }

    public sealed record Chunk(StreamKind Kind, ulong Offset, ReadOnlyMemory<byte> Data) : HubItem;

    public sealed record Event(ProcessEvent ProcessEvent) : HubItem;

    public sealed record Stored : HubItem
    {
        public static readonly Stored Instance = new();
    }
}
