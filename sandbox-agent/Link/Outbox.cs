using System.Threading.Channels;
using RemoteDev.V1;

namespace RemoteDev.Agent.Link;

/// <summary>
/// Everything one session sends, waiting in one bounded queue for the session's single send loop. Output holds at
/// most <see cref="LinkTimings.OutputQueueCapacity"/> slots of it, so output pumps wait while the link is slow and
/// control messages never queue behind more than that much output. Producers wait when full: memory stays bounded.
/// A post to an idle send loop runs the loop on the posting thread until its next real wait: one thread hop less per
/// output chunk (bench agent-link: p50 160 -> 147 us, p99 1.08 -> 0.98 ms). So no producer posts while holding a lock.
/// </summary>
internal sealed class Outbox
{
    private readonly Channel<Outgoing> _queue = Channel.CreateBounded<Outgoing>(
        new BoundedChannelOptions(LinkTimings.ControlQueueCapacity + LinkTimings.OutputQueueCapacity)
        {
            SingleReader = true,
            AllowSynchronousContinuations = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

    private readonly SemaphoreSlim _outputSlots = new(LinkTimings.OutputQueueCapacity, LinkTimings.OutputQueueCapacity);

    public ValueTask PostAsync(AgentMessage message, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(new Outgoing(message, null, false), cancellationToken);

    /// <summary>Posts a message and completes once the send loop has written it.</summary>
    public async Task SendAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Outgoing(message, sent, false), cancellationToken);
        await sent.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask PostOutputAsync(AgentMessage message, CancellationToken cancellationToken)
    {
        await _outputSlots.WaitAsync(cancellationToken);
        await _queue.Writer.WriteAsync(new Outgoing(message, null, true), cancellationToken);
    }

    public ChannelReader<Outgoing> Reader => _queue.Reader;

    /// <summary>Called by the send loop after writing a message.</summary>
    public void Written(Outgoing outgoing)
    {
        if (outgoing.IsOutput)
        {
            _outputSlots.Release();
        }

        outgoing.Sent?.TrySetResult();
    }

    /// <summary>No more messages: the send loop writes what is queued, then half-closes the stream.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Ends the session's queue: messages still waiting are dropped and their senders released.</summary>
    public void Close()
    {
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Sent?.TrySetCanceled();
        }
    }
}

internal sealed record Outgoing(AgentMessage Message, TaskCompletionSource? Sent, bool IsOutput);
