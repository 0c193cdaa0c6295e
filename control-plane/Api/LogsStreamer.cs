using Grpc.Core;
using RemoteDev.ControlPlane.Metrics;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Output;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// Processes/Logs: stored output from an offset or tail. With follow it keeps going until the process has ended (or
/// was removed) AND every byte the agent holds for it (its output end) is stored and delivered; then it ends. It also
/// ends, with what is stored, once the sandbox is deleted, or stopped or failed with no agent connected.
/// </summary>
internal sealed class LogsStreamer(
    SandboxAccess access,
    KnownProcesses known,
    ISandboxStore sandboxes,
    AgentCalls agents,
    ObservedState observed,
    OutputHub hub,
    IOutputStore output,
    StoredOutput stored,
    ControlPlaneMetrics metrics)
{
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    public async Task RunAsync(LogsRequest request, IServerStreamWriter<LogsResponse> responses, ServerCallContext context)
    {
        var errors = new FieldErrors();
        errors.Require(request.SandboxId.Length > 0, "sandbox_id", "required");
        errors.Require(SpecValidator.ProcessName().IsMatch(request.Process), "process", "must name a process");
        errors.ThrowIfAny();
        var sandbox = await access.GetAsync(request.SandboxId, "sandbox_id", context);
        var stream = new OutputStreamKey(sandbox.Id, request.Process);
        var token = context.CancellationToken;
        await known.RequireAsync(sandbox, request.Process, "process", token);

        using var subscription = request.Follow ? hub.Subscribe(sandbox.Id, request.Process) : null;
        var start = request.FromCase switch
        {
            LogsRequest.FromOneofCase.Offset => request.Offset,
            LogsRequest.FromOneofCase.TailBytes => await stored.StartAsync(stream, null, request.TailBytes, token),
            _ => 0UL,
        };

        Task Emit(OutputChunk? chunk, OutputGap? gap)
        {
            metrics.BytesToOperators(chunk?.Data.Length ?? 0);
            return responses.WriteAsync(chunk is not null ? new LogsResponse { Output = chunk } : new LogsResponse { Gap = gap }, token);
        }

        var next = await stored.ReplayAsync(stream, start, null, Emit, token);
        if (subscription is null)
        {
            return;
        }

        while (true)
        {
            if (await FinalEndAsync(sandbox.Id, stream, token) is { } final)
            {
                if (final > 0)
                {
                    await output.WaitForEndAsync(stream, final - 1, token);
                }

                await stored.ReplayAsync(stream, next, final, Emit, token);
                return;
            }

            await WaitForNewsAsync(subscription, token);
            next = await stored.ReplayAsync(stream, next, null, Emit, token);
        }
    }

    /// <summary>
    /// The stored offset the stream ends at once the process has ended (or was removed, or its sandbox can no longer
    /// run it); null while it may still write.
    /// </summary>
    private async Task<ulong?> FinalEndAsync(string sandboxId, OutputStreamKey stream, CancellationToken token)
    {
        var sandbox = await sandboxes.GetAsync(sandboxId, token);
        var state = await output.GetStreamAsync(stream, token);
        var storedEnd = state?.End ?? 0;
        if (sandbox is null || sandbox.Deleted && sandbox.Status.Phase == SandboxPhase.Stopped)
        {
            return storedEnd;
        }

        var agent = observed.Get(sandboxId);
        if (!agent.Connected)
        {
            // No agent and none coming: a stopped or failed sandbox is not started again.
            return sandbox.Status.Phase is SandboxPhase.Stopped or SandboxPhase.Failed ? storedEnd : null;
        }

        if (agent.RemovedOutputEnds.TryGetValue(stream.Process, out var removedEnd))
        {
            return state is null ? removedEnd.Offset : state.ToStored(removedEnd.Epoch, removedEnd.Offset);
        }

        if (!agent.Processes.TryGetValue(stream.Process, out var seen))
        {
            // Wanted but not started yet: wait. Neither wanted nor running: removed before this agent connected.
            return sandbox.Spec.Processes.Any(p => p.Name == stream.Process) ? null : storedEnd;
        }

        if (!ProcessEnd.HasEnded(seen.State))
        {
            return null;
        }

        CommandResult result;
        try
        {
            result = await agents.RunAsync(sandboxId, new Command { Get = new GetProcess { Name = stream.Process } }, token);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.Unavailable or StatusCode.FailedPrecondition)
        {
            // Being removed (its REMOVED event, with where its output ended, is on the way), or the agent link is
            // changing: look again at the next check.
            return null;
        }

        if (!ProcessEnd.HasEnded(result.Process.State))
        {
            return null;
        }

        return state is null ? result.Process.OutputEnd : state.ToStored(result.Process.OutputEpoch, result.Process.OutputEnd);
    }

    private static async Task WaitForNewsAsync(OutputSubscription subscription, CancellationToken token)
    {
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(token);
        wake.CancelAfter(RecheckInterval);
        try
        {
            if (await subscription.Reader.WaitToReadAsync(wake.Token))
            {
                while (subscription.Reader.TryRead(out var item))
                {
                    subscription.Consumed(item);
                }

                return;
            }
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return;
        }
        catch (RpcException)
        {
            // The subscription only wakes this loop up; once it is cut off, the store is polled instead.
        }

        await Task.Delay(RecheckInterval, token);
    }
}
