using System.Diagnostics;
using System.Threading.Channels;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Gateway;

/// <summary>
/// Stores one session's output in batches and acknowledges it to the agent only once it is durable. Attachers see a
/// chunk as soon as it arrives when its stored offset is already certain (its stream's epoch is known from an earlier
/// commit and the chunk continues what was published), so live latency includes neither the store's fsync nor a batch
/// still committing; anything else is published after its commit. A crash before the commit loses nothing: the agent
/// still holds the unacknowledged bytes and sends them again to the same offsets. The bounded queue pushes back on the
/// link when the store lags.
/// </summary>
internal sealed class OutputPersister(string sandboxId, GatewayDependencies deps, Func<ControlMessage, CancellationToken, ValueTask> send)
{
    private const int QueueCapacity = 1024;
    private const int MaxBatchWrites = 512;
    private const int MaxBatchBytes = 4 * 1024 * 1024;

    // How far live output may run ahead of the store. Beyond it chunks go out after their commit, so a flat-out writer
    // reaches attachers at the pace the store sets rather than in bursts as deep as the queue.
    private const ulong MaxLiveLeadBytes = 4 * 1024 * 1024;

    // A session commits at most this often unless a batch fills up: a process printing a line every millisecond would
    // otherwise cost a sync to disk per line, and on a small VM a stream of syncs stalls every other thread. Live
    // output does not wait for commits; only the agent's acknowledgement does.
    private static readonly TimeSpan CommitInterval = TimeSpan.FromMilliseconds(5);

    private readonly Channel<Queued> _queue = Channel.CreateBounded<Queued>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        SingleWriter = true,
    });

    // Per stream: its epoch, base and committed end from the last commit, and the agent offset live output has been
    // published up to (ahead of the store while batches are in flight). Written by the link's read loop and the store
    // loop.
    private readonly Lock _liveGate = new();
    private readonly Dictionary<OutputStreamKey, LiveEnd> _live = [];

    /// <summary>Publishes the write live when its place is certain, then queues it for the store.</summary>
    public ValueTask EnqueueAsync(OutputWrite write, CancellationToken cancellationToken) =>
        _queue.Writer.WriteAsync(new Queued(write, PublishLive(write)), cancellationToken);

    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Grown on demand: most agents are idle, and a session holds its list for its whole life.
        var batch = new List<Queued>();
        var writes = new List<OutputWrite>();
        var bytes = 0;
        var lastCommit = 0L;
        while (await _queue.Reader.WaitToReadAsync(cancellationToken))
        {
            batch.Clear();
            writes.Clear();
            bytes = 0;
            Take();
            var sinceCommit = Stopwatch.GetElapsedTime(lastCommit);
            if (batch.Count < MaxBatchWrites && bytes < MaxBatchBytes && sinceCommit < CommitInterval)
            {
                // Not cancelled with the session: what was taken from the queue is stored.
                await Task.Delay(CommitInterval - sinceCommit, CancellationToken.None);
                Take();
            }

            lastCommit = Stopwatch.GetTimestamp();

            // The store call is not cancelled with the session: a batch the agent sent is stored whole or not at all.
            var states = await deps.Output.AppendAsync(writes, CancellationToken.None);
            deps.Metrics.BytesFromAgents(bytes);
            Committed(states);
            PublishStored(batch, states);
            var ack = new OutputAck();
            foreach (var state in states)
            {
                ack.Stored.Add(new StreamOffset { Process = state.Stream.Process, Epoch = state.Epoch, Offset = state.EpochEnd });
            }

            await send(new ControlMessage { Ack = ack }, cancellationToken);
        }

        void Take()
        {
            while (batch.Count < MaxBatchWrites && bytes < MaxBatchBytes && _queue.Reader.TryRead(out var queued))
            {
                batch.Add(queued);
                writes.Add(queued.Write);
                bytes += queued.Write.Data.Length;
            }
        }
    }

    private bool PublishLive(OutputWrite write)
    {
        lock (_liveGate)
        {
            if (!_live.TryGetValue(write.Stream, out var live) || live.Epoch != write.Epoch || !live.Continuous)
            {
                return false;
            }

            var end = write.Offset + write.Length;
            if (write.IsGap || write.Offset > live.End || end - live.Committed > MaxLiveLeadBytes)
            {
                // This and what follows go out after their commit (a gap or hole is filled from the store), until the
                // store has caught up with what was published.
                _live[write.Stream] = live with { Continuous = false };
                return false;
            }

            if (end > live.End)
            {
                var skip = (int)(live.End - write.Offset);
                deps.Hub.PublishOutput(sandboxId, write.Stream.Process, write.Kind, live.Base + live.End, write.Data[skip..]);
                _live[write.Stream] = live with { End = end };
            }

            return true;
        }
    }

    private void Committed(IReadOnlyList<OutputStreamState> states)
    {
        lock (_liveGate)
        {
            foreach (var state in states)
            {
                _live[state.Stream] = _live.TryGetValue(state.Stream, out var live) && live.Epoch == state.Epoch
                    ? live with
                    {
                        End = Math.Max(live.End, state.EpochEnd),
                        Committed = state.EpochEnd,
                        Continuous = live.Continuous || state.EpochEnd >= live.End,
                    }
                    : new LiveEnd(state.Epoch, state.EpochBase, state.EpochEnd, state.EpochEnd);
            }
        }
    }

    private void PublishStored(List<Queued> batch, IReadOnlyList<OutputStreamState> states)
    {
        foreach (var (write, published) in batch)
        {
            if (write.IsGap || published)
            {
                continue;
            }

            // A write in an epoch that is no longer current cannot be placed here; attachers fill it from the store.
            var state = states.FirstOrDefault(s => s.Stream == write.Stream);
            if (state is not null && state.Epoch == write.Epoch)
            {
                deps.Hub.PublishOutput(sandboxId, write.Stream.Process, write.Kind, state.ToStored(write.Epoch, write.Offset), write.Data);
            }
        }

        // Followers of stored logs read the store: tell them it has grown.
        foreach (var state in states)
        {
            deps.Hub.PublishStored(sandboxId, state.Stream.Process);
        }
    }

    private readonly record struct Queued(OutputWrite Write, bool Published);

    private readonly record struct LiveEnd(string Epoch, ulong Base, ulong End, ulong Committed)
    {
        public bool Continuous { get; init; } = true;
    }
}
