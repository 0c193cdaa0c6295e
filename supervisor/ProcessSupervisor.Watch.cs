namespace RemoteDev.Supervisor;

/// <summary>Watching processes: waits for a state, the event stream, output subscriptions.</summary>
public sealed partial class ProcessSupervisor
{
    private const int WaitLogTailBytes = 4096;

    /// <summary>Waits until the process is in <paramref name="state"/>; on timeout Reached is false. Both carry a log tail.</summary>
    public async Task<WaitResult> WaitForStateAsync(string name, ProcessState state, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var actor = Get(name);
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            var changed = actor.ChangedAsync;
            var status = actor.Describe(includeEnv: false);
            var remaining = deadline - _time.GetUtcNow();
            if (status.State == state || remaining <= TimeSpan.Zero)
            {
                return new WaitResult(status.State == state, status, actor.Output.Tail(WaitLogTailBytes));
            }

            try
            {
                await changed.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    /// <summary>Events published after this call, in seq order.</summary>
    public EventSubscription SubscribeEvents() => _events.Subscribe();

    /// <summary>The sequence number of the last event published (0 before any).</summary>
    public ulong LastEventSeq => _events.LastSeq;

    /// <summary>Output from <paramref name="offset"/> (a gap record first when it is no longer held).</summary>
    public OutputSubscription SubscribeOutput(string name, ulong offset)
    {
        var output = Get(name).Output;
        return new OutputSubscription(output.Ring, offset, output.Epoch);
    }

    /// <summary>Output from the last <paramref name="tailBytes"/> bytes held, then live.</summary>
    public OutputSubscription SubscribeOutputTail(string name, ulong tailBytes)
    {
        var output = Get(name).Output;
        var (start, end) = output.Ring.Range;
        return new OutputSubscription(output.Ring, Math.Max(start, end - Math.Min(end, tailBytes)), output.Epoch);
    }
}
