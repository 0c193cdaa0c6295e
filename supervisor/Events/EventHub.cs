using System.Threading.Channels;

namespace RemoteDev.Supervisor.Events;

/// <summary>
/// Assigns the supervisor-wide monotonic seq and fans events out to subscribers through bounded channels. A
/// subscriber that falls behind is completed with <see cref="EventsLostException"/>; nothing ever waits for it.
/// </summary>
internal sealed class EventHub(int subscriberCapacity)
{
    private readonly object _lock = new();
    private readonly List<Subscriber> _subscribers = [];
    private ulong _seq;

    public ulong LastSeq
    {
        get
        {
            lock (_lock)
            {
                return _seq;
            }
        }
    }

    public ProcessEvent Publish(Func<ulong, ProcessEvent> create)
    {
        lock (_lock)
        {
            var evt = create(++_seq);
            for (var i = _subscribers.Count - 1; i >= 0; i--)
            {
                var subscriber = _subscribers[i];
                if (!subscriber.Channel.Writer.TryWrite(evt))
                {
                    subscriber.Channel.Writer.TryComplete(new EventsLostException(evt.Seq - 1));
                    _subscribers.RemoveAt(i);
                }
            }

            return evt;
        }
    }

    public EventSubscription Subscribe()
    {
        var channel = Channel.CreateBounded<ProcessEvent>(new BoundedChannelOptions(subscriberCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var subscriber = new Subscriber(channel);
        lock (_lock)
        {
            _subscribers.Add(subscriber);
            return new EventSubscription(channel.Reader, _seq, () => Unsubscribe(subscriber));
        }
    }

    public void CompleteAll()
    {
        lock (_lock)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Channel.Writer.TryComplete();
            }

            _subscribers.Clear();
        }
    }

    private void Unsubscribe(Subscriber subscriber)
    {
        lock (_lock)
        {
            _subscribers.Remove(subscriber);
        }

        subscriber.Channel.Writer.TryComplete();
    }

    private sealed record Subscriber(Channel<ProcessEvent> Channel);
}
