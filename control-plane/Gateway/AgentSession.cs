using System.Diagnostics;
using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Gateway;

/// <summary>
/// One agent's link. Reads agent messages on the call's task; a single writer loop drains the bounded outbox; output is
/// stored (and only then acknowledged and published) by an <see cref="OutputPersister"/>.
/// </summary>
internal sealed class AgentSession
{
    private const int OutboxCapacity = 256;
    private static readonly TimeSpan CommandResultMargin = TimeSpan.FromSeconds(5);
    /// <summary>A command without a timeout of its own gets this long (the agent's default too).</summary>
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CancelSendTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<ControlMessage> _outbox = Channel.CreateBounded<ControlMessage>(new BoundedChannelOptions(OutboxCapacity)
    {
        SingleReader = true,
    });

    private readonly GatewayDependencies _deps;
    private readonly CancellationTokenSource _closed;
    private readonly PendingCommands _pending = new();
    private readonly OutputPersister _persister;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The hello ack must be the agent's first message, but the session is findable (for pushes and commands) as soon
    // as it is installed: everything else waits until the ack is queued.
    private readonly TaskCompletionSource _ackQueued = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastSeen;
    private string _closeReason = "";

    public AgentSession(string sandboxId, GatewayDependencies deps, CancellationToken callAborted)
    {
        SandboxId = sandboxId;
        _deps = deps;
        _closed = CancellationTokenSource.CreateLinkedTokenSource(callAborted);
        _persister = new OutputPersister(sandboxId, deps, SendAsync);
        _lastSeen = Stopwatch.GetTimestamp();
    }

    public string SandboxId { get; }

    /// <summary>Completes when the session has fully ended (its persister drained, its writer stopped).</summary>
    public Task Completion => _completion.Task;

    public void Close(string reason)
    {
        _closeReason = reason;
        _closed.Cancel();
    }

    /// <summary>Queues a message for the agent after the hello ack; waits while the outbox is full.</summary>
    public async ValueTask SendAsync(ControlMessage message, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        await _ackQueued.Task.WaitAsync(linked.Token);
        await _outbox.Writer.WriteAsync(message, linked.Token);
    }

    /// <summary>As <see cref="SendAsync"/>; false when the session closed before the message was queued.</summary>
    private async ValueTask<bool> TrySendAsync(ControlMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(message, cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Nobody waits for the command any more: the agent stops it (an exec's processes are killed).</summary>
    private async Task CancelOnAgentAsync(string commandId)
    {
        using var timeout = new CancellationTokenSource(CancelSendTimeout);
        try
        {
            await TrySendAsync(new ControlMessage { Cancel = new CancelCommand { Id = commandId } }, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            GatewayLog.CancelNotSent(_deps.Logger, SandboxId, commandId);
        }
    }

    /// <summary>
    /// Sends the whole desired state; the link is ordered and reliable, so it counts as applied once queued. When the
    /// session closes first, the agent's next hello ack carries it.
    /// </summary>
    public async Task PushDesiredAsync(DesiredSandbox desired, CancellationToken cancellationToken)
    {
        if (!await TrySendAsync(new ControlMessage { Desired = desired }, cancellationToken))
        {
            return;
        }

        _deps.Observed.Update(SandboxId, o => o with { AppliedGeneration = Math.Max(o.AppliedGeneration, desired.Generation) }, phaseRelevant: false);
    }

    /// <summary>
    /// Sends a command; await its result (UNAVAILABLE when the link drops after sending, DEADLINE_EXCEEDED on timeout),
    /// after reading <see cref="PendingCommands.Pending.Output"/> when it streams: that reader sets the pace of the
    /// output. <see cref="CommandNotSentException"/> when the session closed before the command went out.
    /// </summary>
    public async Task<PendingCommands.Pending> StartCommandAsync(Command command, bool streamsOutput, CancellationToken cancellationToken)
    {
        command.Id = Guid.NewGuid().ToString("N");
        command.Timeout ??= Duration.FromTimeSpan(DefaultCommandTimeout);
        var output = streamsOutput ? new ExecOutputStream(command.Id, SendAsync) : null;
        if (output is not null)
        {
            command.OutputWindow = ExecOutputStream.Window;
        }

        var pending = _pending.Register(command.Id, output);
        var limit = command.Timeout.ToTimeSpan() + CommandResultMargin;
        _ = pending.Result.Task.WaitAsync(limit, cancellationToken).ContinueWith(
            t =>
            {
                if (!t.IsCompletedSuccessfully)
                {
                    _pending.Forget(command.Id);
                    pending.Output?.Complete();
                    pending.Result.TrySetException(t.Exception?.InnerException is TimeoutException
                        ? new RpcException(new Status(StatusCode.DeadlineExceeded, "the agent did not answer in time"))
                        : new RpcException(new Status(StatusCode.Cancelled, "cancelled")));
                    _ = CancelOnAgentAsync(command.Id);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        if (!await TrySendAsync(new ControlMessage { Command = command }, cancellationToken))
        {
            _pending.Forget(command.Id);
            pending.Result.TrySetCanceled(CancellationToken.None);
            throw new CommandNotSentException(SandboxId);
        }

        return pending;
    }

    /// <summary>Runs the session until the agent goes away or it is closed.</summary>
    public async Task RunAsync(IAsyncStreamReader<AgentMessage> requests, IServerStreamWriter<ControlMessage> responses, HelloAck ack)
    {
        var token = _closed.Token;
        await _outbox.Writer.WriteAsync(new ControlMessage { HelloAck = ack }, token);
        _ackQueued.TrySetResult();
        var writer = CloseOnFault(WriteLoopAsync(responses, token), "writing to the agent failed");
        var persister = CloseOnFault(_persister.RunAsync(token), "storing output failed");
        var monitor = MonitorAsync(token);
        try
        {
            await ReadLoopAsync(requests, token);
            _closeReason = "the agent closed the link";
        }
        finally
        {
            _persister.Complete();
            await IgnoreCancellation(persister);
            _closed.Cancel();
            await IgnoreCancellation(writer);
            await IgnoreCancellation(monitor);
            _pending.FailAll($"agent link closed: {_closeReason}");
            _completion.TrySetResult();
        }
    }

    public string CloseReason => _closeReason;

    private async Task ReadLoopAsync(IAsyncStreamReader<AgentMessage> requests, CancellationToken token)
    {
        while (await requests.MoveNext(token))
        {
            Volatile.Write(ref _lastSeen, Stopwatch.GetTimestamp());
            var message = requests.Current;
            switch (message.MsgCase)
            {
                case AgentMessage.MsgOneofCase.Output:
                    var chunk = message.Output;
                    await _persister.EnqueueAsync(
                        OutputWrite.Chunk(new OutputStreamKey(SandboxId, chunk.Process), chunk.Epoch, chunk.Offset, chunk.Kind, chunk.Data.Memory),
                        token);
                    break;
                case AgentMessage.MsgOneofCase.Gap when message.Gap.Length > 0:
                    var gap = message.Gap;
                    await _persister.EnqueueAsync(OutputWrite.Gap(new OutputStreamKey(SandboxId, gap.Process), gap.Epoch, gap.Offset, gap.Length), token);
                    break;
                case AgentMessage.MsgOneofCase.ProcessEvent:
                    ApplyEvent(message.ProcessEvent);
                    break;
                case AgentMessage.MsgOneofCase.Lifecycle:
                    var lifecycle = message.Lifecycle;
                    _deps.Observed.Update(SandboxId, o => o with { Lifecycle = lifecycle.State, LifecycleReason = lifecycle.Reason }, phaseRelevant: true);
                    break;
                case AgentMessage.MsgOneofCase.Usage:
                    var usage = message.Usage;
                    _deps.Observed.Update(SandboxId, o => o with { Usage = usage }, phaseRelevant: false);
                    break;
                case AgentMessage.MsgOneofCase.CommandResult:
                    _pending.Complete(message.CommandResult);
                    break;
                case AgentMessage.MsgOneofCase.ExecOutput when !_pending.Output(message.ExecOutput):
                    GatewayLog.ExecWindowOverrun(_deps.Logger, SandboxId, message.ExecOutput.CommandId, ExecOutputStream.Window);
                    break;
                case AgentMessage.MsgOneofCase.ExecOutput:
                    break;
                case AgentMessage.MsgOneofCase.Heartbeat:
                    break;
                default:
                    GatewayLog.UnexpectedMessage(_deps.Logger, SandboxId, message.MsgCase.ToString());
                    break;
            }
        }
    }

    private void ApplyEvent(ProcessEvent processEvent)
    {
        _deps.Observed.Update(SandboxId, o => ProcessEventFold.Apply(o, processEvent), phaseRelevant: false);
        _deps.Hub.PublishEvent(SandboxId, processEvent);
    }

    private async Task WriteLoopAsync(IServerStreamWriter<ControlMessage> responses, CancellationToken token)
    {
        await foreach (var message in _outbox.Reader.ReadAllAsync(token))
        {
            await responses.WriteAsync(message, token);
        }
    }

    private async Task MonitorAsync(CancellationToken token)
    {
        using var timer = new PeriodicTimer(_deps.Options.HeartbeatInterval, _deps.Time);
        while (await timer.WaitForNextTickAsync(token))
        {
            if (Stopwatch.GetElapsedTime(Volatile.Read(ref _lastSeen)) > _deps.Options.AgentSilenceTimeout)
            {
                GatewayLog.AgentSilent(_deps.Logger, SandboxId);
                Close("the agent was silent past the timeout");
                return;
            }

            await SendAsync(new ControlMessage { Heartbeat = new Heartbeat { Time = Timestamp.FromDateTimeOffset(_deps.Time.GetUtcNow()) } }, token);
        }
    }

    private async Task CloseOnFault(Task task, string reason)
    {
        try
        {
            await task;
        }
        catch (Exception error) when (error is not OperationCanceledException and not ChannelClosedException)
        {
            GatewayLog.SessionFailed(_deps.Logger, SandboxId, reason, error);
            Close(reason);
        }
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
        catch (ChannelClosedException)
        {
        }
    }
}
