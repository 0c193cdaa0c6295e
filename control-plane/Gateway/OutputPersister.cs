using System.Threading.Channels;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Gateway;

/// <summary>
/// Stores one session's output in batches, then publishes it to attachers and acknowledges it to the agent: nothing is
/// acknowledged or shown live before it is durable. The bounded queue pushes back on the link when the store lags.
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

    public ValueTask EnqueueAsync(OutputWrite write, CancellationToken cancellationToken) => _queue.Writer.WriteAsync(write, cancellationToken);

    public void Complete() => _queue.Writer.TryComplete();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<OutputWrite>(MaxBatchWrites);
        while (await _queue.Reader.WaitToReadAsync(cancellationToken))
        {
            batch.Clear();
            var bytes = 0;
            while (batch.Count < MaxBatchWrites && bytes < MaxBatchBytes && _queue.Reader.TryRead(out var write))
            {
                batch.Add(write);
                bytes += write.Data.Length;
            }

            // The store call is not cancelled with the session: a batch the agent sent is stored whole or not at all.
            var states = await deps.Output.AppendAsync(batch, CancellationToken.None);
            deps.Metrics.BytesFromAgents(bytes);
            Publish(batch, states);
            var ack = new OutputAck();
            foreach (var state in states)
            {
                ack.Stored.Add(new StreamOffset { Process = state.Stream.Process, Epoch = state.Epoch, Offset = state.EpochEnd });
            }

            await send(new ControlMessage { Ack = ack }, cancellationToken);
        }
    }

    private void Publish(List<OutputWrite> batch, IReadOnlyList<OutputStreamState> states)
    {
        foreach (var write in batch)
        {
            if (write.IsGap)
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
    }
}
