using System.Threading.Channels;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Gateway;

/// <summary>
/// Stores one session's output in batches and acknowledges it to the agent only once it is durable. Attachers see a
/// chunk before its batch commits when its stored offset is already certain (its stream's epoch and end are known
/// from an earlier commit and it continues that end), so live latency does not include the store's fsync; anything
/// else is published after the commit. A crash before the commit loses nothing: the agent still holds the
/// unacknowledged bytes and sends them again to the same offsets. The bounded queue pushes back on the link when the
/// store lags.
/// </summary>
internal sealed class OutputPersister(string sandboxId, GatewayDependencies deps, Func<ControlMessage, CancellationToken, ValueTask> send)
{
    private const int QueueCapacity = 1024;
    private const int MaxBatchWrites = 512;
    private const int MaxBatchBytes = 4 * 1024 * 1024;

    private readonly Channel<OutputWrite> _queue = Channel.CreateBounded<OutputWrite>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        SingleWriter = true,
    });

    // Per stream, from the last commit: its epoch base and the agent offset live output has been published up to.
    private readonly Dictionary<OutputStreamKey, LiveEnd> _live = [];

    public ValueTask EnqueueAsync(OutputWrite write, CancellationToken cancellationToken) => _queue.Writer.WriteAsync(write, cancellationToken);

    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Grown on demand: most agents are idle, and a session holds its lists for its whole life.
        var batch = new List<OutputWrite>();
        var early = new List<bool>();
        while (await _queue.Reader.WaitToReadAsync(cancellationToken))
        {
            batch.Clear();
            var bytes = 0;
            while (batch.Count < MaxBatchWrites && bytes < MaxBatchBytes && _queue.Reader.TryRead(out var write))
            {
                batch.Add(write);
                bytes += write.Data.Length;
            }

            PublishEarly(batch, early);

            // The store call is not cancelled with the session: a batch the agent sent is stored whole or not at all.
            var states = await deps.Output.AppendAsync(batch, CancellationToken.None);
            deps.Metrics.BytesFromAgents(bytes);
            PublishStored(batch, early, states);
            var ack = new OutputAck();
            foreach (var state in states)
            {
                ack.Stored.Add(new StreamOffset { Process = state.Stream.Process, Epoch = state.Epoch, Offset = state.EpochEnd });
                _live[state.Stream] = new LiveEnd(state.Epoch, state.EpochBase, state.EpochEnd);
            }

            await send(new ControlMessage { Ack = ack }, cancellationToken);
        }
    }

    /// <summary>Publishes each write that continues its stream's known end; marks which ones went out.</summary>
    private void PublishEarly(List<OutputWrite> batch, List<bool> early)
    {
        early.Clear();
        foreach (var write in batch)
        {
            var published = false;
            if (_live.TryGetValue(write.Stream, out var live) && live.Epoch == write.Epoch && live.Continuous)
            {
                var end = write.Offset + write.Length;
                if (write.IsGap || write.Offset > live.End)
                {
                    // Whatever follows a gap or a hole is published after the commit, once the store can fill it.
                    _live[write.Stream] = live with { Continuous = false };
                }
                else if (end > live.End)
                {
                    var skip = (int)(live.End - write.Offset);
                    deps.Hub.PublishOutput(sandboxId, write.Stream.Process, write.Kind, live.Base + live.End, write.Data[skip..]);
                    _live[write.Stream] = live with { End = end };
                    published = true;
                }
                else
                {
                    published = true;
                }
            }

            early.Add(published);
        }
    }

    private void PublishStored(List<OutputWrite> batch, List<bool> early, IReadOnlyList<OutputStreamState> states)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            if (write.IsGap || early[i])
            {
                continue;
            }

            // A write in an epoch that is no longer current cannot be placed here; attachers fill it from the store.
            var state = states.FirstOrDefault(s => s.Stream == write.Stream);
            if (state is not null && state.Epoch == write.Epoch)
            {
                deps.Hub.PublishOutput(sandboxId, write.Stream.Process, write.Kind, state.ToStored(write.Offset), write.Data);
            }
        }

        // Followers of stored logs read the store: tell them it has grown.
        foreach (var state in states)
        {
            deps.Hub.PublishStored(sandboxId, state.Stream.Process);
        }
    }

    private readonly record struct LiveEnd(string Epoch, ulong Base, ulong End)
    {
        public bool Continuous { get; init; } = true;
    }
}
