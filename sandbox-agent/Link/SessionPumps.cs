using System.Collections.Concurrent;
using RemoteDev.Agent.Hosting;

namespace RemoteDev.Agent.Link;

/// <summary>
/// One session's output pumps, at most one per stream. A pump starts at the control plane's stored offset from the
/// hello ack, or where this session's last pump of the stream ended: a process removed and added again goes on in the
/// same offset space, without a gap over what was already sent.
/// </summary>
internal sealed class SessionPumps(LinkServices services, Outbox outbox)
{
    private readonly ConcurrentDictionary<(string Process, string Epoch), Task> _pumps = new();
    private readonly ConcurrentDictionary<(string Process, string Epoch), ulong> _resumeAt = new();

    public IEnumerable<Task> Running => _pumps.Values;

    public void Stored(string process, string epoch, ulong offset) =>
        _resumeAt.AddOrUpdate((process, epoch), offset, (_, old) => Math.Max(old, offset));

    public void Ensure(OutputHolding holding, CancellationToken cancellationToken)
    {
        var key = (holding.Process, holding.Epoch);
        lock (_pumps)
        {
            if (_pumps.ContainsKey(key))
            {
                return;
            }

            var from = _resumeAt.GetValueOrDefault(key);
            var reader = services.Host.OpenOutput(holding.Process, holding.Epoch, from);
            _pumps[key] = RunAsync(reader, from, holding, key, cancellationToken);
        }
    }

    private async Task RunAsync(IOutputReader reader, ulong from, OutputHolding holding, (string, string) key, CancellationToken cancellationToken)
    {
        // Never ends inside Ensure: the pump is in _pumps before its end takes it out.
        await Task.Yield();
        var drained = false;
        try
        {
            var end = await OutputPump.RunAsync(reader, from, holding, outbox, services.Progress, cancellationToken);
            Stored(holding.Process, holding.Epoch, end);
            drained = true;
        }
        catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
        }
        catch (Exception e)
        {
            LinkLog.PumpFailed(services.Logger, holding.Process, e);
        }
        finally
        {
            _pumps.TryRemove(key, out _);
        }

        // Added again while this pump drained the removed one: the event that would have started its pump came first.
        if (drained && services.Host.Holdings().FirstOrDefault(h => (h.Process, h.Epoch) == key) is { } again)
        {
            Ensure(again, cancellationToken);
        }
    }
}
