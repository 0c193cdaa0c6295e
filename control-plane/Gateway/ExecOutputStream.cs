using System.Runtime.CompilerServices;
using System.Threading.Channels;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Gateway;

/// <summary>
/// One exec's output on its way from the agent to its one reader, flow-controlled as an HTTP/2 stream is: the agent
/// sends at most <see cref="Window"/> bytes that were not credited back (ExecCredit), and a message is credited once
/// the reader comes back for the next one, i.e. once it took the previous one (Processes/Exec: the operator's stream
/// accepted it). So a slow reader holds back the command in the sandbox, never the agent link, and this buffer never
/// holds more than the window.
/// </summary>
internal sealed class ExecOutputStream
{
    /// <summary>
    /// Output bytes in flight per exec. An exec streams at most a window per round trip of the link (about 100 MiB/s
    /// across 10 ms), and the 64 commands an agent runs at once hold at most 64 MiB here.
    /// </summary>
    public const int Window = 1024 * 1024;

    /// <summary>Credit leaves in batches of half the window: a message per 512 KiB read, not one per chunk.</summary>
    private const int CreditBatch = Window / 2;

    // Each message carries at least a byte, so an agent that keeps to its window never fills this many.
    private readonly Channel<ExecOutput> _buffer = Channel.CreateBounded<ExecOutput>(new BoundedChannelOptions(Window)
    {
        SingleReader = true,
        SingleWriter = true,
    });

    private readonly string _commandId;
    private readonly Func<ControlMessage, CancellationToken, ValueTask> _send;
    private long _uncredited;
    private int _taken;
    private volatile bool _ended;

    public ExecOutputStream(string commandId, Func<ControlMessage, CancellationToken, ValueTask> send)
    {
        _commandId = commandId;
        _send = send;
    }

    /// <summary>From the link's reader; false when the agent overran its window (the message is not kept).</summary>
    public bool TryWrite(ExecOutput output) =>
        Interlocked.Add(ref _uncredited, output.Data.Length) <= Window && _buffer.Writer.TryWrite(output);

    /// <summary>The command's result arrived: no more output; the reader still gets what is buffered.</summary>
    public void Complete()
    {
        _ended = true;
        _buffer.Writer.TryComplete();
    }

    /// <summary>The reader gets what is buffered, then <paramref name="error"/>.</summary>
    public void Fail(Exception error)
    {
        _ended = true;
        _buffer.Writer.TryComplete(error);
    }

    /// <summary>Every message up to the command's result; each one is credited back once the caller asks for the next.</summary>
    public async IAsyncEnumerable<ExecOutput> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var output in _buffer.Reader.ReadAllAsync(cancellationToken))
        {
            yield return output;
            await CreditAsync(output.Data.Length, cancellationToken);
        }
    }

    private async ValueTask CreditAsync(int bytes, CancellationToken cancellationToken)
    {
        _taken += bytes;
        if (_taken < CreditBatch || _ended)
        {
            return;
        }

        var credit = _taken;
        _taken = 0;
        Interlocked.Add(ref _uncredited, -credit);
        try
        {
            await _send(new ControlMessage { ExecCredit = new ExecCredit { CommandId = _commandId, Bytes = (uint)credit } }, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The link closed: the buffer ends with its UNAVAILABLE error.
        }
    }
}
