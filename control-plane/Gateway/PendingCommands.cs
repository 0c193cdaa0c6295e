using System.Collections.Concurrent;
using Grpc.Core;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Gateway;

/// <summary>Commands sent to an agent and awaiting their one CommandResult (and, for exec, streamed output).</summary>
internal sealed class PendingCommands
{
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    public Pending Register(string id, ExecOutputStream? output)
    {
        var pending = new Pending(output);
        _pending[id] = pending;
        return pending;
    }

    public void Forget(string id) => _pending.TryRemove(id, out _);

    public void Complete(CommandResult result)
    {
        if (_pending.TryRemove(result.Id, out var pending))
        {
            pending.Output?.Complete();
            pending.Result.TrySetResult(result);
        }
    }

    /// <summary>
    /// Routes exec output. An agent that overruns the command's window (a protocol error) fails the command INTERNAL
    /// instead of growing its buffer (what it sends after is ignored); false then.
    /// </summary>
    public bool Output(ExecOutput output)
    {
        if (!_pending.TryGetValue(output.CommandId, out var pending) || pending.Output is not { } stream || stream.TryWrite(output))
        {
            return true;
        }

        Forget(output.CommandId);
        var error = new RpcException(new Status(
            StatusCode.Internal,
            $"protocol error: the agent sent more exec output than the {ExecOutputStream.Window} bytes of its window"));
        stream.Fail(error);
        pending.Result.TrySetException(error);
        return false;
    }

    /// <summary>Fails everything still pending: the link is gone.</summary>
    public void FailAll(string reason)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var pending))
            {
                var error = new RpcException(new Status(StatusCode.Unavailable, reason));
                pending.Output?.Fail(error);
                pending.Result.TrySetException(error);
            }
        }
    }

    internal sealed class Pending(ExecOutputStream? output)
    {
        public TaskCompletionSource<CommandResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ExecOutputStream? Output { get; } = output;
    }
}
