using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using RemoteDev.Cli.Commands.Logs;
using RemoteDev.Cli.Commands.Process;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Attach;

/// <summary>
/// One attach: a single writer task per call owns the request stream (stdin, resize, close_stdin, detach all go
/// through a bounded queue); the main loop copies output. When the run ends (even if the process restarts) or the
/// process is down, the rest of the run's output is drained through Logs with follow: up to where the run's exit says
/// its output ends, or, for a process found down, until the follow ends (after every byte written before the exit).
/// When the control plane cuts the attach off as too slow (RESOURCE_EXHAUSTED), it is opened again from the next
/// byte, as long as the last one made progress; when it goes away (UNAVAILABLE: a restart), likewise once it is back.
/// Nothing is lost or repeated, and input queued meanwhile goes out on the new call.
/// </summary>
internal sealed class AttachSession(Connection api, AttachSettings settings, StdStreams std)
{
    private const int RequestQueueLength = 16;
    private const int StdinChunkBytes = 32 * 1024;

    private readonly V1.Processes.ProcessesClient _client = api.Processes;
    private readonly Channel<V1.AttachRequest> _requests = Channel.CreateBounded<V1.AttachRequest>(RequestQueueLength);
    private readonly Channel<bool> _resizes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var status = await _client.GetAsync(new V1.GetProcessRequest { SandboxId = settings.SandboxId, Name = settings.Process }, deadline: api.Deadline(), cancellationToken: cancellationToken);
        if (ProcessEnd.HasEnded(status.State))
        {
            throw new CliException(ExitCodes.Conflict, $"process {settings.Process} is {ProcessViews.State(status.State)}; its output: rdev logs {settings.SandboxId} {settings.Process}");
        }

        var stdin = StdinModes.For(settings.Input, status.Spec);
        var start = await StartAsync(cancellationToken);
        using var terminal = stdin == StdinMode.Terminal ? Terminal.EnterRaw() : null;
        var copier = new OutputCopier(std, start);
        var call = Open(copier.Next, cancellationToken);
        using var winch = terminal is null || OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => _resizes.Writer.TryWrite(true));
        if (terminal is not null)
        {
            // The first size goes before any input, so what the user types lands in a correctly sized terminal.
            await SendSizeAsync(cancellationToken);
            _ = Task.Run(() => SendResizesAsync(cancellationToken), cancellationToken);
        }

        if (stdin != StdinMode.None)
        {
            // A blocking read of stdin cannot be cancelled: this task is left behind when the attach ends.
            _ = Task.Run(() => PumpStdinAsync(stdin, cancellationToken), cancellationToken);
        }

        V1.ProcessEvent? ended;
        var cutOffAt = ulong.MaxValue;
        var reconnects = new Reconnects();
        var reached = ulong.MaxValue; // the Get above reached the control plane: a first outage counts as progress
        while (true)
        {
            try
            {
                ended = await CopyOutputAsync(call.ResponseStream, copier, cancellationToken);
                break;
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.FailedPrecondition)
            {
                // Input (say close_stdin) that reaches the agent just after the process exited fails the attach, yet
                // the process simply ended: finish as if its end event had come.
                ended = await EndedAsync(cancellationToken);
                if (ended is null)
                {
                    throw;
                }

                break;
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.ResourceExhausted && copier.Next != cutOffAt)
            {
                cutOffAt = copier.Next;
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"rdev: fell behind the live output and was cut off; reattached at offset {copier.Next}"));
                await call.CloseAsync();
                ended = await EndedAsync(cancellationToken);
                if (ended is not null)
                {
                    break;
                }

                call = Open(copier.Next, cancellationToken);
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable)
            {
                var progressed = copier.Next != reached;
                reached = copier.Next;
                await call.CloseAsync();
                ended = await RideOutAsync(error, progressed, reconnects, cancellationToken);
                if (ended is not null)
                {
                    break;
                }

                call = Open(copier.Next, cancellationToken);
            }
        }

        if (ended is null)
        {
            _requests.Writer.TryComplete();
            await call.FinishAsync();
            return ExitCodes.Ok;
        }

        // Ending the call detaches; input typed from here on has nowhere to go.
        _requests.Writer.TryComplete();
        await call.CloseAsync();
        // Up to where the run's output ends; for a process found down, until the follow ends.
        ulong? until = ended.HasOutputEnd ? ended.OutputEnd : null;
        if (copier.Next < (until ?? ulong.MaxValue))
        {
            var drain = LogsCommand.Request(settings.SandboxId, settings.Process, tail: null, offset: copier.Next, follow: true);
            await LogsCommand.CopyAsync(_client, drain, copier, until, cancellationToken);
        }

        terminal?.Dispose(); // what ExitCodeAsync says goes to a terminal that starts lines at the left again
        return await ProcessEnd.ExitCodeAsync(ended);
    }

    /// <summary>
    /// Where the attach starts, always sent as an explicit offset: then the output drain after the process ended
    /// knows where to begin even when the end event overtook every output chunk.
    /// </summary>
    private async Task<ulong> StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Offset is { } offset)
        {
            return offset;
        }

        var end = await StoredEnd.GetAsync(api, settings.SandboxId, settings.Process, cancellationToken);
        return end - Math.Min(end, settings.Tail ?? 0);
    }

    /// <summary>
    /// After the control plane went away (a restart): once it answers again, the run's end when it came meanwhile, else
    /// null (the attach is to be opened again where it stopped). The outage's error once waiting is not worth it (see
    /// <see cref="Reconnects"/>).
    /// </summary>
    private async Task<V1.ProcessEvent?> RideOutAsync(RpcException error, bool progressed, Reconnects reconnects, CancellationToken cancellationToken)
    {
        while (await reconnects.WaitAsync(error, progressed, cancellationToken))
        {
            progressed = false;
            try
            {
                return await EndedAsync(cancellationToken);
            }
            catch (RpcException again) when (again.StatusCode == StatusCode.Unavailable)
            {
                error = again;
            }
        }

        throw error;
    }

    /// <summary>
    /// The end as an event when the process is down or between runs (a run ended and the next waits), else null.
    /// Between runs, the status's output end is that run's.
    /// </summary>
    private async Task<V1.ProcessEvent?> EndedAsync(CancellationToken cancellationToken)
    {
        var status = await _client.GetAsync(new V1.GetProcessRequest { SandboxId = settings.SandboxId, Name = settings.Process }, deadline: api.Deadline(), cancellationToken: cancellationToken);
        var betweenRuns = status.State is V1.ProcessState.Backoff or V1.ProcessState.CrashLoop;
        if (!ProcessEnd.HasEnded(status.State) && !betweenRuns)
        {
            return null;
        }

        var ended = new V1.ProcessEvent { Process = status.Name, State = status.State, Signal = status.Signal, Reason = status.Reason, Kind = V1.ProcessEventKind.Transition };
        if (status.HasExitCode)
        {
            ended.ExitCode = status.ExitCode;
        }

        if (betweenRuns)
        {
            ended.OutputEnd = status.OutputEnd;
        }

        return ended;
    }

    /// <summary>Output until the run ends or the process is down (that event) or the server closes the attach after our detach (null).</summary>
    private async Task<V1.ProcessEvent?> CopyOutputAsync(IAsyncStreamReader<V1.AttachResponse> responses, OutputCopier copier, CancellationToken cancellationToken)
    {
        await foreach (var response in responses.ReadAllAsync(cancellationToken))
        {
            switch (response.MsgCase)
            {
                case V1.AttachResponse.MsgOneofCase.Output:
                    await copier.ChunkAsync(response.Output, cancellationToken);
                    break;
                case V1.AttachResponse.MsgOneofCase.Gap:
                    await copier.GapAsync(response.Gap);
                    break;
                case V1.AttachResponse.MsgOneofCase.Event when response.Event.Process == settings.Process && ProcessEnd.EndsAttach(response.Event):
                    return response.Event;
            }
        }

        return null;
    }

    private AttachCall Open(ulong offset, CancellationToken cancellationToken)
    {
        var open = new V1.AttachOpen { SandboxId = settings.SandboxId, Process = settings.Process, Offset = offset };
        return AttachCall.Start(_client.Attach(cancellationToken: cancellationToken), open, _requests.Reader, cancellationToken);
    }

    private async Task SendResizesAsync(CancellationToken cancellationToken)
    {
        await foreach (var _ in _resizes.Reader.ReadAllAsync(cancellationToken))
        {
            await SendSizeAsync(cancellationToken);
        }
    }

    private async Task SendSizeAsync(CancellationToken cancellationToken)
    {
        // A terminal that does not know its size (0x0) leaves the process's own.
        if (Terminal.Size() is { Rows: > 0, Cols: > 0 } size)
        {
            await _requests.Writer.WriteAsync(new V1.AttachRequest { Resize = size }, cancellationToken);
        }
    }

    private async Task PumpStdinAsync(StdinMode mode, CancellationToken cancellationToken)
    {
        try
        {
            await using var stdin = StdStreams.OpenStdin();
            var buffer = new byte[StdinChunkBytes];
            var detachKeys = mode == StdinMode.Terminal ? new DetachKeys() : null;
            var forward = new List<byte>(StdinChunkBytes);
            int read;
            while ((read = await stdin.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (detachKeys is null)
                {
                    await SendStdinAsync(ByteString.CopyFrom(buffer, 0, read), cancellationToken);
                    continue;
                }

                forward.Clear();
                var detach = detachKeys.Feed(buffer.AsSpan(0, read), forward);
                if (forward.Count > 0)
                {
                    await SendStdinAsync(ByteString.CopyFrom([.. forward]), cancellationToken);
                }

                if (detach)
                {
                    await DetachAsync(cancellationToken);
                    return;
                }
            }

            if (mode == StdinMode.Terminal)
            {
                await DetachAsync(cancellationToken);
                return;
            }

            // End of piped input: the process sees EOF; the attach goes on until the process ends.
            await _requests.Writer.WriteAsync(new V1.AttachRequest { CloseStdin = true }, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // The attach already ended (the process ended); input typed after that has nowhere to go.
        }
    }

    private async Task SendStdinAsync(ByteString data, CancellationToken cancellationToken) =>
        await _requests.Writer.WriteAsync(new V1.AttachRequest { Stdin = data }, cancellationToken);

    private async Task DetachAsync(CancellationToken cancellationToken)
    {
        await _requests.Writer.WriteAsync(new V1.AttachRequest { Detach = true }, cancellationToken);
        _requests.Writer.TryComplete();
    }
}
