using Grpc.Core;
using RemoteDev.V1;

namespace RemoteDev.Agent.Link;

/// <summary>
/// The agent's end of AgentGateway/Connect: dials out, runs one session at a time, and reconnects after any failure
/// with jittered exponential backoff. Processes keep running whatever happens here.
/// </summary>
internal sealed class AgentLink(LinkServices services, CallInvoker invoker)
{
    private readonly AgentGateway.AgentGatewayClient _client = new(invoker);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LinkSession? _current;
    private volatile bool _closing;

    public bool Connected => Volatile.Read(ref _current) is { Accepted: true };

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ConnectLoopAsync(cancellationToken);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>
    /// Closes the link gracefully at shutdown: what is queued is sent, the stream half-closed, and the agent waits
    /// (within <see cref="LinkTimings.FinalReportTimeout"/>) for the control plane to end the call; no reconnect.
    /// </summary>
    public async Task CloseAsync()
    {
        _closing = true;
        if (Volatile.Read(ref _current) is { } session)
        {
            session.Closing = true;
            session.Outbox.Complete();
        }

        await _stopped.Task.WaitAsync(LinkTimings.FinalReportTimeout).ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    private async Task ConnectLoopAsync(CancellationToken cancellationToken)
    {
        var backoff = new ReconnectBackoff();
        while (!cancellationToken.IsCancellationRequested && !_closing)
        {
            var stable = await RunSessionAsync(cancellationToken);
            if (_closing)
            {
                return;
            }

            if (stable)
            {
                backoff.Reset();
            }

            var delay = backoff.Next();
            LinkLog.Reconnecting(services.Logger, delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, services.Time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reports a lifecycle change (already recorded in the tracker) and waits until it left, within a bound.</summary>
    public async Task ReportAsync(LifecycleReport report, CancellationToken cancellationToken)
    {
        LinkLog.Lifecycle(services.Logger, report.State.ToString(), report.Reason);
        if (Volatile.Read(ref _current) is not { } session)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(LinkTimings.FinalReportTimeout);
        try
        {
            await session.EventsForwardedAsync(services.Host.LastEventSeq, timeout.Token);
            await session.Outbox.SendAsync(new AgentMessage { Lifecycle = report }, timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            LinkLog.ReportNotSent(services.Logger, report.State.ToString());
        }
    }

    /// <summary>
    /// Runs one session; true when it was accepted and lasted <see cref="LinkTimings.StableSession"/>, so a control
    /// plane that accepts and drops the link at once is retried at the growing backoff, not every 100 ms.
    /// </summary>
    private async Task<bool> RunSessionAsync(CancellationToken cancellationToken)
    {
        var headers = new Metadata { { "authorization", "Bearer " + services.Options.AgentToken } };
        using var call = _client.Connect(new CallOptions(headers: headers, cancellationToken: cancellationToken));
        var session = new LinkSession(services, call, new Outbox());
        Volatile.Write(ref _current, session);
        try
        {
            LinkLog.Connecting(services.Logger, services.Options.ControlPlaneUrl.ToString());
            await session.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            LinkLog.Rejected(services.Logger, e.StatusCode.ToString(), e.Status.Detail);
        }
        catch (RpcException e)
        {
            LinkLog.SessionFailed(services.Logger, e.StatusCode.ToString(), e.Status.Detail);
        }
        catch (LinkProtocolException e)
        {
            LinkLog.ProtocolFailed(services.Logger, e.Message);
        }
        catch (Exception e)
        {
            LinkLog.SessionError(services.Logger, e);
        }
        finally
        {
            Volatile.Write(ref _current, null);
            session.Outbox.Close();
        }

        return session.Accepted && services.Time.GetElapsedTime(session.AcceptedAt) >= LinkTimings.StableSession;
    }
}
