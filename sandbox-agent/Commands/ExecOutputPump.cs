using System.Threading.Channels;
using Google.Protobuf;
using RemoteDev.V1;

namespace RemoteDev.Agent.Commands;

/// <summary>
/// Forwards one output pipe of an exec as ExecOutput, reading only as much as the exec's credit allows: while the
/// control plane's reader is behind, the pipe stays full and the command blocks writing, as into a local pipe. Once
/// the command exited it forwards what the command left in the pipe (<see cref="Forwarded"/>), waiting for credit as
/// long as needed. After <see cref="DetachAsync"/>, or once forwarding stopped (timeout, cancel, link gone), it reads
/// and drops what it reads until EOF, so a background child that still holds the pipe is neither blocked on a full
/// pipe nor killed by SIGPIPE, and nothing is sent after the exec's result.
/// </summary>
internal sealed class ExecOutputPump
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _exited = new();
    private readonly CancellationTokenSource _detached = new();
    private readonly TaskCompletionSource<bool> _forwarded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ExecPumpOptions _options;
    private bool _forwarding = true;
    private long? _owed;

    private ExecOutputPump(ExecPumpOptions options) => _options = options;

    /// <summary>Completes at EOF: every process holding the pipe's write end has closed it.</summary>
    public Task Eof { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// True once what the command wrote is forwarded: at EOF, or, after <see cref="CommandExited"/>, once what it left
    /// in the pipe is; false when forwarding stopped before that.
    /// </summary>
    public Task<bool> Forwarded => _forwarded.Task;

    public static ExecOutputPump Start(ExecPumpOptions options)
    {
        var pump = new ExecOutputPump(options);
        pump.Eof = pump.RunAsync();
        return pump;
    }

    /// <summary>The command exited: what is in the pipe now is the most it still owes (the rest is a background child's).</summary>
    public void CommandExited() => _exited.Cancel();

    /// <summary>Stops forwarding; returns once no ExecOutput of this pump is on its way to the sink.</summary>
    public async Task DetachAsync()
    {
        await _detached.CancelAsync();
        await _gate.WaitAsync();
        _forwarding = false;
        _gate.Release();
    }

    private async Task RunAsync()
    {
        await using var pipe = _options.Pipe;
        var buffer = new byte[CommandTimings.ExecReadBufferBytes];
        bool eof;
        try
        {
            eof = await ForwardAsync(pipe, buffer);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            eof = false;
        }

        _forwarded.TrySetResult(eof);
        if (!eof)
        {
            while (await pipe.ReadAsync(buffer) > 0)
            {
            }
        }
    }

    /// <summary>
    /// True at EOF; false once detached. Throws when the exec stopped while the pump waited for credit, or when its link
    /// session ended. Credit is taken once the pipe has data: a pump waiting on a quiet pipe holds none of it.
    /// </summary>
    private async Task<bool> ForwardAsync(Stream pipe, byte[] buffer)
    {
        using var stopped = CancellationTokenSource.CreateLinkedTokenSource(_options.Stop, _detached.Token);
        using var stoppedOrExited = CancellationTokenSource.CreateLinkedTokenSource(stopped.Token, _exited.Token);
        while (!_detached.IsCancellationRequested)
        {
            if (_owed is null && _exited.IsCancellationRequested)
            {
                // Between two reads, after the exit: every byte the command wrote was read already or is counted here.
                _owed = _options.Unread();
                Settle();
            }

            var owedKnown = _owed is not null;
            int allowed;
            try
            {
                // A zero-byte read: waits until the pipe has data or is at EOF.
                _ = await pipe.ReadAsync(Memory<byte>.Empty, owedKnown ? CancellationToken.None : _exited.Token);
                allowed = await _options.Credit.TakeAsync(buffer.Length, owedKnown ? stopped.Token : stoppedOrExited.Token);
            }
            catch (OperationCanceledException) when (!owedKnown && !stopped.IsCancellationRequested)
            {
                continue;
            }

            var read = await pipe.ReadAsync(buffer.AsMemory(0, allowed));
            _options.Credit.Return(allowed - read);
            if (read == 0)
            {
                return true;
            }

            await PostAsync(buffer, read);
            _owed -= read;
            Settle();
        }

        return false;
    }

    private void Settle()
    {
        if (_owed <= 0)
        {
            _forwarded.TrySetResult(true);
        }
    }

    private async Task PostAsync(byte[] buffer, int count)
    {
        await _gate.WaitAsync();
        try
        {
            if (_forwarding)
            {
                var output = new ExecOutput { CommandId = _options.CommandId, Kind = _options.Kind, Data = ByteString.CopyFrom(buffer, 0, count) };
                await _options.Sink.PostAsync(new AgentMessage { ExecOutput = output }, CancellationToken.None);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
