using Grpc.Core;
using RemoteDev.ControlPlane.Auth;
using RemoteDev.ControlPlane.Metrics;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Output;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// Processes/Attach: NOT_FOUND for a process the sandbox neither has nor has stored output of. Opening needs READ;
/// stdin, resize and close_stdin need EXECUTE, and the first of them from a READ key ends the attach with
/// PERMISSION_DENIED (the output sent before it stays whole). Subscribes to live output first, replays stored output
/// from the requested point, then goes live, skipping what the replay already sent and filling holes from the store:
/// no duplicates, no holes. Input (stdin, resize, close stdin) goes to the agent; detach or a half-close ends the
/// attach and never stops the process. A process that had already ended when the attach subscribed gets its end event
/// after the replay, so a client that waits for the end (a reattach racing the exit) is not left waiting.
/// </summary>
internal sealed class AttachHandler(SandboxAccess access, KnownProcesses known, AgentCalls agents, OutputHub hub, StoredOutput stored, ObservedState observed, ProcessStatusViews statuses, ControlPlaneMetrics metrics)
{
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(30);

    public async Task RunAsync(IAsyncStreamReader<AttachRequest> requests, IServerStreamWriter<AttachResponse> responses, ServerCallContext context)
    {
        var open = await ReadOpenAsync(requests, context);
        var sandbox = await access.GetAsync(open.SandboxId, "open.sandbox_id", context);
        await known.RequireAsync(sandbox, open.Process, "open.process", context.CancellationToken);
        var stream = new OutputStreamKey(sandbox.Id, open.Process);
        using var subscription = hub.Subscribe(sandbox.Id, open.Process);
        if (observed.Get(sandbox.Id).Processes.GetValueOrDefault(open.Process) is { } seen && ProcessEnd.HasEnded(seen.State))
        {
            subscription.Offer(new HubItem.Event(ProcessEnd.Event(seen)));
        }

        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var start = await stored.StartAsync(
            stream,
            open.FromCase == AttachOpen.FromOneofCase.Offset ? open.Offset : null,
            open.FromCase == AttachOpen.FromOneofCase.TailBytes ? open.TailBytes : null,
            context.CancellationToken);

        var output = PumpOutputAsync(stream, start, subscription, responses, done.Token);
        var input = PumpInputAsync(requests, sandbox.Id, open.Process, context, done.Token);
        var first = await Task.WhenAny(output, input);
        await done.CancelAsync();
        try
        {
            await (first == output ? input : output);
        }
        catch (Exception error) when (error is OperationCanceledException or RpcException or IOException)
        {
            // The other half was stopped by us; the first one decides how the attach ends.
        }

        await first;
    }

    private static async Task<AttachOpen> ReadOpenAsync(IAsyncStreamReader<AttachRequest> requests, ServerCallContext context)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(OpenTimeout);
        if (!await requests.MoveNext(timeout.Token) || requests.Current.MsgCase != AttachRequest.MsgOneofCase.Open)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "open: the first message must be open"));
        }

        var open = requests.Current.Open;
        var errors = new FieldErrors();
        errors.Require(open.SandboxId.Length > 0, "open.sandbox_id", "required");
        errors.Require(SpecValidator.ProcessName().IsMatch(open.Process), "open.process", "must name a process");
        errors.ThrowIfAny();
        return open;
    }

    private async Task PumpOutputAsync(OutputStreamKey stream, ulong start, OutputSubscription subscription, IServerStreamWriter<AttachResponse> responses, CancellationToken token)
    {
        Task Emit(OutputChunk? chunk, OutputGap? gap)
        {
            metrics.BytesToOperators(chunk?.Data.Length ?? 0);
            return responses.WriteAsync(chunk is not null ? new AttachResponse { Output = chunk } : new AttachResponse { Gap = gap }, token);
        }

        var next = await stored.ReplayAsync(stream, start, null, Emit, token);
        await foreach (var item in subscription.Reader.ReadAllAsync(token))
        {
            subscription.Consumed(item);
            switch (item)
            {
                case HubItem.Event e:
                    await responses.WriteAsync(new AttachResponse { Event = await statuses.EventAsync(stream.SandboxId, e.ProcessEvent, token) }, token);
                    break;
                case HubItem.Chunk c:
                    var end = c.Offset + (ulong)c.Data.Length;
                    if (end <= next)
                    {
                        break;
                    }

                    if (c.Offset > next)
                    {
                        // Live output can run ahead of the store: the hole is filled once the store has it.
                        await stored.WaitForEndAsync(stream, c.Offset, token);
                        next = await stored.ReplayAsync(stream, next, c.Offset, Emit, token);
                    }

                    var data = c.Data[(int)(next - c.Offset)..];
                    await Emit(new OutputChunk { Process = stream.Process, Kind = c.Kind, Offset = next, Data = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(data) }, null);
                    next = end;
                    break;
            }
        }
    }

    private async Task PumpInputAsync(IAsyncStreamReader<AttachRequest> requests, string sandboxId, string process, ServerCallContext context, CancellationToken token)
    {
        var caller = context.GetCaller();
        while (await requests.MoveNext(token))
        {
            var request = requests.Current;
            Command command;
            switch (request.MsgCase)
            {
                case AttachRequest.MsgOneofCase.Detach:
                    return;
                case AttachRequest.MsgOneofCase.Stdin:
                    caller.EnsureScope(Scope.Execute, "stdin");
                    command = new Command { WriteStdin = new WriteStdin { Name = process, Data = request.Stdin } };
                    break;
                case AttachRequest.MsgOneofCase.Resize:
                    caller.EnsureScope(Scope.Execute, "resize");
                    command = new Command { Resize = new ResizeTerminal { Name = process, Size = request.Resize } };
                    break;
                case AttachRequest.MsgOneofCase.CloseStdin:
                    caller.EnsureScope(Scope.Execute, "close_stdin");
                    command = new Command { CloseStdin = new ProcessName { Name = process } };
                    break;
                default:
                    throw new RpcException(new Status(StatusCode.InvalidArgument, "msg: after open, only stdin, resize, close_stdin or detach"));
            }

            try
            {
                await agents.RunAsync(sandboxId, command, token);
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.FailedPrecondition)
            {
                // Input the process can no longer take (it exited, closed stdin, or its agent is reconnecting) is
                // dropped; the attach keeps streaming, so the exit and the last output still reach the operator.
            }
        }

        // A half-close only ends input: output keeps flowing until detach, cancellation or the output ends.
        await Task.Delay(Timeout.Infinite, token);
    }
}
