using System.Diagnostics;
using Grpc.Core;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>
/// A stream (or an upload) that outlives a control-plane restart: once it has delivered something, UNAVAILABLE opens
/// it again (sends the chunk again), with backoff, for as long as <see cref="Window"/> passes without progress. One
/// that never delivered anything fails at once: the server was likely never reached. Says so once per outage on stderr.
/// </summary>
internal sealed class Reconnects
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private long? _outageStart;
    private TimeSpan _delay = FirstDelay;

    /// <summary>
    /// After <paramref name="error"/>: true once it is time to open the stream again, false when it is not worth it
    /// (not UNAVAILABLE, nothing ever delivered, or the outage outlasted <see cref="Window"/>).
    /// <paramref name="progressed"/>: the stream delivered something since the last failure (or its start).
    /// </summary>
    public async Task<bool> WaitAsync(RpcException error, bool progressed, CancellationToken cancellationToken)
    {
        if (error.StatusCode != StatusCode.Unavailable)
        {
            return false;
        }

        if (progressed)
        {
            _outageStart = Stopwatch.GetTimestamp();
            _delay = FirstDelay;
            await Console.Error.WriteLineAsync($"rdev: the control plane is unavailable ({error.Status.Detail}); reconnecting for up to {Window.TotalSeconds:0} s");
        }
        else if (_outageStart is null || Stopwatch.GetElapsedTime(_outageStart.Value) >= Window)
        {
            return false;
        }

        await Task.Delay(_delay, cancellationToken);
        _delay = TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, MaxDelay.Ticks));
        return true;
    }
}
