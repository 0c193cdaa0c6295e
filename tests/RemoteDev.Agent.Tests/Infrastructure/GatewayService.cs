using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests.Infrastructure;

/// <summary>
/// The test control plane's end of AgentGateway/Connect: checks the token, answers the hello with the desired set and
/// the stored offsets, stores output (acknowledging it, and crediting exec output back), records everything else. One writer per response stream.
/// </summary>
internal sealed class GatewayService(GatewayState state, ConcurrentDictionary<HttpContext, byte> calls) : AgentGateway.AgentGatewayBase
{
    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        calls.TryAdd(http, 0);
        try
        {
            await ServeAsync(requestStream, responseStream, context);
        }
        finally
        {
            calls.TryRemove(http, out _);
        }
    }

    private async Task ServeAsync(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
    {
        var authorization = context.RequestHeaders.GetValue("authorization");
        state.Update(s => s.AuthorizationHeaders.Add(authorization));
        if (authorization != "Bearer " + state.Read(s => s.Token))
        {
            state.Update(s => s.Rejections.Add("bad bearer token"));
            throw new RpcException(new Status(StatusCode.Unauthenticated, "invalid agent token"));
        }

        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.MsgCase != AgentMessage.MsgOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message must be a hello"));
        }

        var hello = requestStream.Current.Hello;
        if (hello.SandboxId != state.SandboxId)
        {
            state.Update(s => s.Rejections.Add("wrong sandbox " + hello.SandboxId));
            throw new RpcException(new Status(StatusCode.PermissionDenied, "token is not for this sandbox"));
        }

        var session = state.Attach();
        var ack = state.Read(s =>
        {
            var a = new HelloAck
            {
                Desired = s.Desired.Clone(),
                HeartbeatInterval = Duration.FromTimeSpan(s.HeartbeatInterval),
                UsageInterval = Duration.FromTimeSpan(s.UsageInterval),
            };
            a.Stored.Add(s.Streams.Select(kv => new StreamOffset { Process = kv.Key.Process, Epoch = kv.Key.Epoch, Offset = kv.Value.End }));
            return a;
        });
        if (state.Read(s => s.MalformedHelloAck))
        {
            ack.HeartbeatInterval = new Duration { Seconds = 1, Nanos = -1 };
        }

        state.Update(s =>
        {
            s.Hellos.Add(hello);
            // As the control plane does: the hello's lifecycle is the agent's state when it dialled, which may be past
            // reports made before any link existed.
            if (hello.Lifecycle is { State: not AgentLifecycle.Unspecified } lifecycle)
            {
                s.Lifecycle.Add(lifecycle);
                s.Arrivals.Add($"lifecycle {lifecycle.State}");
            }
        });
        await responseStream.WriteAsync(new ControlMessage { HelloAck = ack });
        if (state.Read(s => s.HangUpAfterHelloAck))
        {
            return;
        }

        var writer = WriteLoopAsync(session.Reader, responseStream, context.CancellationToken);
        try
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                Record(requestStream.Current, session.Writer);
            }
        }
        finally
        {
            session.Writer.TryComplete();
            await writer.ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private async Task WriteLoopAsync(System.Threading.Channels.ChannelReader<ControlMessage> reader, IServerStreamWriter<ControlMessage> responseStream, CancellationToken cancellationToken)
    {
        await foreach (var message in reader.ReadAllAsync(cancellationToken))
        {
            if (!state.Read(s => s.Silent))
            {
                await responseStream.WriteAsync(message, cancellationToken);
            }
        }
    }

    private void Record(AgentMessage message, System.Threading.Channels.ChannelWriter<ControlMessage> replies)
    {
        switch (message.MsgCase)
        {
            case AgentMessage.MsgOneofCase.Output:
                var chunk = message.Output;
                state.Update(s => s.Stream(chunk.Process, chunk.Epoch).Append(chunk));
                replies.TryWrite(Ack(chunk.Process, chunk.Epoch, state.Read(s => s.Stream(chunk.Process, chunk.Epoch).End)));
                break;
            case AgentMessage.MsgOneofCase.Gap:
                state.Update(s => s.Stream(message.Gap.Process, message.Gap.Epoch).Append(message.Gap));
                break;
            case AgentMessage.MsgOneofCase.Lifecycle:
                state.Update(s =>
                {
                    s.Lifecycle.Add(message.Lifecycle);
                    s.Arrivals.Add($"lifecycle {message.Lifecycle.State}");
                });
                break;
            case AgentMessage.MsgOneofCase.ProcessEvent:
                state.Update(s =>
                {
                    s.Events.Add(message.ProcessEvent);
                    s.Arrivals.Add($"event {message.ProcessEvent.Process} {message.ProcessEvent.State}");
                });
                break;
            case AgentMessage.MsgOneofCase.Usage:
                state.Update(s => s.Usage.Add(message.Usage));
                break;
            case AgentMessage.MsgOneofCase.Heartbeat:
                state.Update(s => s.Heartbeats++);
                replies.TryWrite(new ControlMessage { Heartbeat = new Heartbeat { Time = Timestamp.FromDateTime(DateTime.UtcNow) } });
                break;
            case AgentMessage.MsgOneofCase.CommandResult:
                state.Update(s =>
                {
                    s.Results[message.CommandResult.Id] = message.CommandResult;
                    s.ResultIds.Add(message.CommandResult.Id);
                });
                break;
            case AgentMessage.MsgOneofCase.ExecOutput:
                state.Update(s =>
                {
                    var id = message.ExecOutput.CommandId;
                    if (!s.ExecOutput.TryGetValue(id, out var buffer))
                    {
                        s.ExecOutput[id] = buffer = new MemoryStream();
                    }

                    message.ExecOutput.Data.WriteTo(buffer);
                });
                if (!state.Read(s => s.CreditWithheld.Contains(message.ExecOutput.CommandId)))
                {
                    replies.TryWrite(new ControlMessage { ExecCredit = new ExecCredit { CommandId = message.ExecOutput.CommandId, Bytes = (uint)message.ExecOutput.Data.Length } });
                }

                break;
        }
    }

    private static ControlMessage Ack(string process, string epoch, ulong end)
    {
        var ack = new OutputAck();
        ack.Stored.Add(new StreamOffset { Process = process, Epoch = epoch, Offset = end });
        return new ControlMessage { Ack = ack };
    }
}
