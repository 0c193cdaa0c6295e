using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Gateway;

/// <summary>Commands sent to an agent and awaiting their one CommandResult (and, for exec, streamed output).</summary>
internal sealed class PendingCommands
{
    private const int MaxExecOutputMessages = 1024;

    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    public Pending Register(string id, bool streamsOutput)
    {
        var pending = new Pending(streamsOutput
            ? Channel.CreateBounded<ExecOutput>(new BoundedChannelOptions(MaxExecOutputMessages) { SingleReader = true, SingleWriter = true })
            : null);
        _pending[id] = pending;
        return pending;
    }

    public void Forget(string id) => _pending.TryRemove(id, out _);

    public void Complete(CommandResult result)
    {
        if (_pending.TryRemove(result.Id, out var pending))
        {
            pending.Output?.Writer.TryComplete();
            pending.Result.TrySetResult(result);
        }
    }

    /// <summary>Routes exec output; a reader that fell behind the bound fails its exec instead of stalling the link.</summary>
    public void Output(ExecOutput output)
    {
        if (_pending.TryGetValue(output.CommandId, out var pending) && pending.Output is { } channel && !channel.Writer.TryWrite(output))
        {
            var error = new RpcException(new Status(StatusCode.ResourceExhausted, "exec output reader too slow"));
            channel.Writer.TryComplete(error);
            pending.Result.TrySetException(error);
        }
    }

    /// <summary>Fails everything still pending: the link is gone.</summary>
    public void FailAll(string reason)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                var error = new RpcException(new Status(StatusCode.Unavailable, reason));
                pending.Output?.Writer.TryComplete(error);
                pending.Result.TrySetException(error);
            }
        }
    }

    internal sealed class Pending(Channel<ExecOutput>? output)
    {
        public TaskCompletionSource<CommandResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Channel<ExecOutput>? Output { get; } = output;
    }
}
