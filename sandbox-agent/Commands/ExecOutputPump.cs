using System.Threading.Channels;
using Google.Protobuf;
using RemoteDev.V1;

namespace RemoteDev.Agent.Commands;

/// <summary>
/// Forwards one output pipe of an exec as ExecOutput until <see cref="DetachAsync"/>; after that it keeps reading and
/// drops what it reads until EOF, so a background child that still holds the pipe is neither blocked on a full pipe
/// nor killed by SIGPIPE, and nothing is sent after the exec's result.
/// </summary>
internal sealed class ExecOutputPump
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _commandId;
    private readonly StreamKind _kind;
    private readonly ICommandSink _sink;
    private bool _forwarding = true;

    private ExecOutputPump(string commandId, StreamKind kind, ICommandSink sink)
    {
        _commandId = commandId;
        _kind = kind;
        _sink = sink;
    }

    /// <summary>Completes at EOF: every process holding the pipe's write end has closed it.</summary>
    public Task Eof { get; private set; } = Task.CompletedTask;

    public static ExecOutputPump Start(string commandId, Stream pipe, StreamKind kind, ICommandSink sink)
    {
        var pump = new ExecOutputPump(commandId, kind, sink);
        pump.Eof = pump.RunAsync(pipe);
        return pump;
    }

    /// <summary>Stops forwarding; returns once no ExecOutput of this pump is on its way to the sink.</summary>
    public async Task DetachAsync()
    {
        await _gate.WaitAsync();
        _forwarding = false;
        _gate.Release();
    }

    private async Task RunAsync(Stream pipe)
    {
        await using var owned = pipe;
        var buffer = new byte[CommandTimings.ExecReadBufferBytes];
        int read;
        while ((read = await pipe.ReadAsync(buffer)) > 0)
        {
            await _gate.WaitAsync();
            try
            {
                if (_forwarding)
                {
                    var output = new ExecOutput { CommandId = _commandId, Kind = _kind, Data = ByteString.CopyFrom(buffer, 0, read) };
                    await _sink.PostAsync(new AgentMessage { ExecOutput = output }, CancellationToken.None);
                }
            }
            catch (ChannelClosedException)
            {
                // The link session ended: the exec's result is dropped too; the pipe is still read to its end.
                _forwarding = false;
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}
