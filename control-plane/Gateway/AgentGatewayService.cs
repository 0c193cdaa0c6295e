using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RemoteDev.ControlPlane.Api;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Gateway;

/// <summary>AgentGateway/Connect: authenticates the hello, answers with the desired state and stored offsets, runs the session.</summary>
internal sealed class AgentGatewayService(
    GatewayDependencies deps,
    AgentCredential credentials,
    ISandboxStore sandboxes,
    AgentSessions sessions) : AgentGateway.AgentGatewayBase
{
    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
    {
        AgentHello hello;
        SandboxRecord sandbox;
        try
        {
            hello = await ReadHelloAsync(requestStream, context);
            sandbox = await AuthenticateAsync(hello, context);
        }
        catch (RpcException error)
        {
            GatewayLog.Rejected(deps.Logger, error.Status.Detail);
            throw;
        }

        var session = new AgentSession(hello.SandboxId, deps, context.CancellationToken);
        await sessions.InstallAsync(session, context.CancellationToken);
        deps.Metrics.AgentConnected();
        GatewayLog.Connected(deps.Logger, hello.SandboxId, hello.AgentVersion);
        deps.Observed.Update(
            hello.SandboxId,
            o => o with
            {
                Connected = true,
                Lifecycle = hello.Lifecycle?.State ?? AgentLifecycle.Unspecified,
                LifecycleReason = hello.Lifecycle?.Reason ?? "",
                Processes = ProcessEventFold.Snapshot(hello.Processes),
                AppliedGeneration = hello.AppliedGeneration,
                SeenAt = deps.Time.GetUtcNow(),
                DisconnectedAt = null,
            },
            phaseRelevant: true);
        // No event comes for what ended while the agent was away: attachers that subscribed meanwhile learn it here.
        foreach (var ended in hello.Processes.Where(p => ProcessEnd.HasEnded(p.State)))
        {
            deps.Hub.PublishEvent(hello.SandboxId, ProcessEnd.Event(ended));
        }

        try
        {
            await session.RunAsync(requestStream, responseStream, await BuildAckAsync(hello, sandbox, context.CancellationToken));
        }
        catch (Exception error) when (error is IOException or InvalidProtocolBufferException or RpcException or OperationCanceledException)
        {
            session.Close(error.Message);
        }
        finally
        {
            sessions.Remove(session);
            deps.Metrics.AgentDisconnected();
            GatewayLog.Disconnected(deps.Logger, hello.SandboxId, session.CloseReason);
            if (sessions.Find(hello.SandboxId) is null)
            {
                deps.Observed.Update(hello.SandboxId, o => o with { Connected = false, DisconnectedAt = deps.Time.GetUtcNow() }, phaseRelevant: true);
            }
        }
    }

    internal static DesiredSandbox Desired(SandboxRecord sandbox)
    {
        var desired = new DesiredSandbox { Generation = (ulong)sandbox.Generation };
        if (!sandbox.Deleted)
        {
            desired.Processes.Add(sandbox.Spec.Processes);
            desired.Env.Add(sandbox.Spec.Env);
        }

        return desired;
    }

    private async Task<AgentHello> ReadHelloAsync(IAsyncStreamReader<AgentMessage> requestStream, ServerCallContext context)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(deps.Options.HelloTimeout);
        bool any;
        try
        {
            any = await requestStream.MoveNext(timeout.Token);
        }
        catch (InvalidProtocolBufferException)
        {
            throw Invalid("first message: not a valid AgentMessage");
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "no hello within the hello timeout"));
        }

        if (!any || requestStream.Current.MsgCase != AgentMessage.MsgOneofCase.Hello)
        {
            throw Invalid("first message: must be hello");
        }

        var hello = requestStream.Current.Hello;
        if (hello.SandboxId.Length == 0)
        {
            throw Invalid("hello.sandbox_id: required");
        }

        var bad = hello.Streams.Where(s => s.Process.Length == 0 || s.EndOffset < s.StartOffset).Select(s => s.Process).ToList();
        if (bad.Count > 0)
        {
            throw Invalid($"hello.streams: invalid holding for process '{bad[0]}' (empty name or end before start)");
        }

        return hello;
    }

    private async Task<SandboxRecord> AuthenticateAsync(AgentHello hello, ServerCallContext context)
    {
        var credential = hello.Token.Length > 0 ? hello.Token : BearerToken(context.RequestHeaders);
        await credentials.VerifyAsync(hello.SandboxId, credential, context.CancellationToken);
        var sandbox = await sandboxes.GetAsync(hello.SandboxId, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"sandbox {hello.SandboxId} does not exist"));
        if (sandbox.Deleted)
        {
            // Its processes are being (or were) stopped by the driver: a leftover agent must not append output again.
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"sandbox {hello.SandboxId} was deleted; its agent may not connect again and should stop"));
        }

        return sandbox;
    }

    private async Task<HelloAck> BuildAckAsync(AgentHello hello, SandboxRecord sandbox, CancellationToken cancellationToken)
    {
        var ack = new HelloAck
        {
            Desired = Desired(sandbox),
            HeartbeatInterval = Duration.FromTimeSpan(deps.Options.HeartbeatInterval),
            UsageInterval = Duration.FromTimeSpan(deps.Options.UsageInterval),
        };
        foreach (var holding in hello.Streams)
        {
            var state = await deps.Output.OpenEpochAsync(new OutputStreamKey(hello.SandboxId, holding.Process), holding.Epoch, cancellationToken);
            ack.Stored.Add(new StreamOffset { Process = holding.Process, Epoch = state.Epoch, Offset = state.EpochEnd });
        }

        return ack;
    }

    private static string BearerToken(Metadata headers)
    {
        var value = headers.GetValue("authorization") ?? "";
        return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value["Bearer ".Length..].Trim() : "";
    }

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));
}
