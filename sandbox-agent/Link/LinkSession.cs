using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RemoteDev.Agent.Hosting;
using RemoteDev.ProcessSpecs;
using RemoteDev.V1;

namespace RemoteDev.Agent.Link;

/// <summary>
/// One connection of the link: hello, HelloAck, then the send loop (the stream's only writer), the receive loop,
/// output pumps, events, heartbeats, usage and a watchdog, until the first of them ends.
/// </summary>
internal sealed class LinkSession(LinkServices services, AsyncDuplexStreamingCall<AgentMessage, ControlMessage> call, Outbox outbox)
{
    private static readonly WriteOptions BufferedWrite = new(WriteFlags.BufferHint);

    private readonly Lock _forwardGate = new();
    private readonly SessionPumps _pumps = new(services, outbox);
    private readonly SessionCommandSink _commands = new(outbox);
    private long _lastReceived = Stopwatch.GetTimestamp();
    private TimeSpan _heartbeatInterval = LinkTimings.DefaultHeartbeatInterval;
    private TimeSpan _usageInterval = LinkTimings.DefaultUsageInterval;
    private ulong _forwarded;
    private TaskCompletionSource _forwardedMoved = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Outbox Outbox { get; } = outbox;

    /// <summary>Set by <see cref="AgentLink.CloseAsync"/>: the end of the stream is expected.</summary>
    public bool Closing { get; set; }

    /// <summary>True once the control plane accepted the hello with a well-formed HelloAck.</summary>
    public bool Accepted { get; private set; }

    /// <summary>When <see cref="Accepted"/> became true (<see cref="TimeProvider.GetTimestamp"/> of the link's clock).</summary>
    public long AcceptedAt { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = cts.Token;
        using var events = services.Host.SubscribeEvents();

        // What happened before now is in the hello's snapshot.
        Forwarded(services.Host.LastEventSeq);
        var holdings = services.Host.Holdings();
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = BuildHello(holdings) }, token);
        var ack = await ReadHelloAckAsync(token);
        ApplyAck(ack);
        Accepted = true;
        AcceptedAt = services.Time.GetTimestamp();
        LinkLog.Accepted(services.Logger, _heartbeatInterval.TotalMilliseconds, _usageInterval.TotalMilliseconds);
        if (ack.Desired is not null)
        {
            services.Reconciler.Submit(ack.Desired);
        }

        foreach (var holding in holdings)
        {
            _pumps.Ensure(holding, token);
        }

        var loops = new List<Task>
        {
            SendLoopAsync(token),
            ReceiveLoopAsync(token),
            UntilCompletedAsync(EventLoopAsync(events, token), token),
            UntilCompletedAsync(TickAsync(() => _heartbeatInterval, () => new AgentMessage { Heartbeat = new Heartbeat { Time = Now() } }, token), token),
            UntilCompletedAsync(TickAsync(() => _usageInterval, () => new AgentMessage { Usage = services.Usage.Sample() }, token), token),
            WatchdogAsync(token),
        };
        try
        {
            await await Task.WhenAny(loops);
        }
        finally
        {
            await cts.CancelAsync();
            Outbox.Close();
            _commands.Credits.CloseAll();
            await Task.WhenAll(loops.Concat(_pumps.Running)).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private AgentHello BuildHello(IReadOnlyList<OutputHolding> holdings)
    {
        var hello = new AgentHello
        {
            SandboxId = services.Options.SandboxId,
            Token = services.Options.AgentToken,
            AgentVersion = AgentVersion.Value,
            Lifecycle = services.Lifecycle.Current,
            AppliedGeneration = services.Reconciler.AppliedGeneration,
        };
        hello.Streams.Add(holdings.Select(h => new StreamHolding { Process = h.Process, Epoch = h.Epoch, StartOffset = h.Start, EndOffset = h.End }));
        hello.Processes.Add(services.Host.List([]));
        return hello;
    }

    private async Task<HelloAck> ReadHelloAckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(LinkTimings.HelloAckTimeout);
        if (!await call.ResponseStream.MoveNext(timeout.Token))
        {
            throw new LinkProtocolException("the control plane closed the stream before its HelloAck");
        }

        var first = call.ResponseStream.Current;
        return first.MsgCase == ControlMessage.MsgOneofCase.HelloAck
            ? first.HelloAck
            : throw new LinkProtocolException($"the first control message was {first.MsgCase}, not a HelloAck");
    }

    private void ApplyAck(HelloAck ack)
    {
        _heartbeatInterval = ClampInterval(ack.HeartbeatInterval, "heartbeat_interval", LinkTimings.DefaultHeartbeatInterval);
        _usageInterval = ClampInterval(ack.UsageInterval, "usage_interval", LinkTimings.DefaultUsageInterval);
        foreach (var stored in ack.Stored)
        {
            _pumps.Stored(stored.Process, stored.Epoch, stored.Offset);
        }
    }

    private static TimeSpan ClampInterval(Duration? value, string field, TimeSpan unset)
    {
        if (value is null)
        {
            return unset;
        }

        var interval = Durations.TryToTimeSpan(value) ?? throw new LinkProtocolException($"malformed HelloAck: {Durations.Invalid(field, value)}");

        return interval < LinkTimings.MinInterval ? LinkTimings.MinInterval : interval > LinkTimings.MaxInterval ? LinkTimings.MaxInterval : interval;
    }

    private async Task SendLoopAsync(CancellationToken cancellationToken)
    {
        var reader = Outbox.Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            while (reader.TryRead(out var outgoing))
            {
                // Flush only when nothing else is waiting: a burst leaves in as few writes as possible.
                call.RequestStream.WriteOptions = reader.Count > 0 ? BufferedWrite : null;
                await call.RequestStream.WriteAsync(outgoing.Message, cancellationToken);
                Outbox.Written(outgoing);
            }
        }

        // The agent is closing the link: half-close and let the control plane end the call once it read everything.
        await call.RequestStream.CompleteAsync();
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    /// <summary>A producer loop that stops quietly once the outbox is completed (the link is closing).</summary>
    private static async Task UntilCompletedAsync(Task loop, CancellationToken cancellationToken)
    {
        try
        {
            await loop;
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            Interlocked.Exchange(ref _lastReceived, Stopwatch.GetTimestamp());
            var message = call.ResponseStream.Current;
            switch (message.MsgCase)
            {
                case ControlMessage.MsgOneofCase.Command:
                    services.Commands.Dispatch(message.Command, _commands);
                    break;
                case ControlMessage.MsgOneofCase.Cancel:
                    services.Commands.Cancel(message.Cancel.Id);
                    break;
                case ControlMessage.MsgOneofCase.ExecCredit:
                    _commands.Credits.Grant(message.ExecCredit);
                    break;
                case ControlMessage.MsgOneofCase.Desired:
                    services.Reconciler.Submit(message.Desired);
                    break;
                case ControlMessage.MsgOneofCase.Ack:
                    services.Progress.Acked(message.Ack);
                    break;
                case ControlMessage.MsgOneofCase.Heartbeat:
                    break;
                default:
                    LinkLog.UnexpectedMessage(services.Logger, message.MsgCase.ToString());
                    break;
            }
        }

        if (!Closing)
        {
            throw new LinkProtocolException("the control plane ended the stream");
        }
    }

    /// <summary>
    /// Completes once the process events up to <paramref name="seq"/> are in the outbox, so a lifecycle report sent
    /// next cannot overtake them (READY before the events of the processes it is about).
    /// </summary>
    public async Task EventsForwardedAsync(ulong seq, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task moved;
            lock (_forwardGate)
            {
                if (_forwarded >= seq)
                {
                    return;
                }

                moved = _forwardedMoved.Task;
            }

            await moved.WaitAsync(cancellationToken);
        }
    }

    private void Forwarded(ulong seq)
    {
        TaskCompletionSource moved;
        lock (_forwardGate)
        {
            _forwarded = Math.Max(_forwarded, seq);
            moved = _forwardedMoved;
            _forwardedMoved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        moved.TrySetResult();
    }

    private async Task EventLoopAsync(EventSubscription events, CancellationToken cancellationToken)
    {
        while (await events.ReadAsync(cancellationToken) is { } processEvent)
        {
            await Outbox.PostAsync(new AgentMessage { ProcessEvent = processEvent }, cancellationToken);
            Forwarded(processEvent.Seq);
            foreach (var holding in services.Host.Holdings())
            {
                if (holding.Process == processEvent.Process)
                {
                    _pumps.Ensure(holding, cancellationToken);
                }
            }
        }

        // The supervisor has shut down; the session stays up to carry the final lifecycle report.
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    private async Task TickAsync(Func<TimeSpan> interval, Func<AgentMessage> create, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(interval(), services.Time, cancellationToken);
            await Outbox.PostAsync(create(), cancellationToken);
        }
    }

    private async Task WatchdogAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, _heartbeatInterval.TotalMilliseconds)), services.Time, cancellationToken);
            var silent = Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastReceived));
            if (silent > _heartbeatInterval * LinkTimings.DeadAfterHeartbeats)
            {
                throw new LinkProtocolException($"no message from the control plane for {silent.TotalSeconds:F1} s");
            }
        }
    }

    private Timestamp Now() => Timestamp.FromDateTimeOffset(services.Time.GetUtcNow());
}
