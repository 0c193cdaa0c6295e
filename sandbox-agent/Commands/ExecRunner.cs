using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RemoteDev.Agent.Hosting;
using RemoteDev.Agent.Native;
using RemoteDev.V1;
using S = RemoteDev.Supervisor;

namespace RemoteDev.Agent.Commands;

/// <summary>
/// One-shot commands, started by the supervisor in their own session and process group (the pid is the group id),
/// output streamed as ExecOutput at the pace the control plane credits it, the whole group killed on timeout. The result
/// is sent once the command itself exited and its output was forwarded, with its exit code or the signal that killed
/// it: a background child it started keeps running (and is not waited for).
/// </summary>
internal sealed class ExecRunner(string workspaceDir, IProcessHost host, ILogger logger)
{
    public static TimeSpan TimeoutOf(ExecCommand exec) =>
        CommandDurations.Optional(exec.Timeout, "exec.timeout") is { } t && t > TimeSpan.Zero ? t : CommandTimings.DefaultExecTimeout;

    public async Task<ExecExit> RunAsync(Command request, ICommandSink sink, CancellationToken cancellationToken)
    {
        var window = RequireWindow(request.OutputWindow);
        var limit = TimeoutOf(request.Exec);
        var described = Describe(request.Exec);
        using var credit = sink.Credits.Open(request.Id, window);
        var command = host.StartCommand(described);
        OomScore.TrySetChild(command.Pid);
        using var timeout = new CancellationTokenSource(limit);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        ExecOutputPump[] pumps =
        [
            ExecOutputPump.Start(new ExecPumpOptions(request.Id, StreamKind.Stdout, command.Stdout, () => command.Unread(S.StreamKind.Stdout), credit, sink, either.Token)),
            ExecOutputPump.Start(new ExecPumpOptions(request.Id, StreamKind.Stderr, command.Stderr, () => command.Unread(S.StreamKind.Stderr), credit, sink, either.Token)),
        ];
        using var stdinDone = CancellationTokenSource.CreateLinkedTokenSource(either.Token);
        var stdin = FeedStdinAsync(command.Stdin, request.Exec.Stdin, stdinDone.Token);
        S.OneShotExit ended;
        var timedOut = false;
        try
        {
            ended = await command.Exited.WaitAsync(either.Token);
        }
        catch (OperationCanceledException)
        {
            Posix.KillGroup(command.Pid, Posix.SIGKILL);
            ended = await command.Exited;
            timedOut = true;
        }

        await stdinDone.CancelAsync();
        await stdin;
        var forwarded = await DrainAsync(pumps);
        if (timedOut)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CommandLog.ExecTimedOut(logger, request.Id, command.Pid);
            return new ExecExit { Signal = "SIGKILL", TimedOut = true };
        }

        if (!forwarded && either.IsCancellationRequested)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var how = ended.ExitCode is { } exitCode ? $"with exit code {exitCode}" : $"killed by {ended.Signal}";
            throw new ProcessHostException(
                StatusCode.DeadlineExceeded,
                $"the command ended {how}, but its reader had not taken all of its output by the exec timeout of {limit.TotalSeconds:0.###} s");
        }

        return ended.ExitCode is { } code ? new ExecExit { ExitCode = code } : new ExecExit { Signal = ended.Signal };
    }

    /// <summary>
    /// What the exited command left in its pipes goes out before the result, as fast as the reader takes it; a child
    /// it left running that still holds them gets <see cref="CommandTimings.ExecOutputDrainGrace"/> from the exit, then
    /// its output is dropped. False when some of the command's own output was not forwarded (timeout, cancel, link gone).
    /// </summary>
    private static async Task<bool> DrainAsync(ExecOutputPump[] pumps)
    {
        foreach (var pump in pumps)
        {
            pump.CommandExited();
        }

        var grace = Task.Delay(CommandTimings.ExecOutputDrainGrace);
        await Task.WhenAll(pumps.Select(p => Task.WhenAny(p.Eof, Task.WhenAll(p.Forwarded, grace))));
        foreach (var pump in pumps)
        {
            await pump.DetachAsync();
        }

        foreach (var pump in pumps.Where(p => p.Eof.IsCompleted))
        {
            await pump.Eof;
        }

        return pumps.All(p => p.Forwarded is { IsCompletedSuccessfully: true, Result: true });
    }

    private static uint RequireWindow(uint window) =>
        window > 0 ? window : throw new ProcessHostException(StatusCode.InvalidArgument, "output_window is required for exec");

    private S.OneShotCommand Describe(ExecCommand exec)
    {
        if (exec.Command.Count == 0 || string.IsNullOrEmpty(exec.Command[0]))
        {
            throw new ProcessHostException(StatusCode.InvalidArgument, "exec.command is required");
        }

        var cwd = string.IsNullOrEmpty(exec.Cwd) ? workspaceDir : exec.Cwd;
        if (!Directory.Exists(cwd))
        {
            throw new ProcessHostException(StatusCode.InvalidArgument, $"exec.cwd does not exist: {cwd}");
        }

        var env = host.CommandEnv(exec.Env);
        var executable = ExecutableLookup.Resolve(exec.Command[0], env.GetValueOrDefault("PATH") ?? "")
            ?? throw new ProcessHostException(StatusCode.NotFound, $"exec.command: {exec.Command[0]} not found or not executable");
        return new S.OneShotCommand(executable, [.. exec.Command], env, cwd);
    }

    /// <summary>
    /// Writes stdin alongside the run, so a command that never reads it still exits or times out; stops when the
    /// command exited (a child it left holding stdin gets no more of it).
    /// </summary>
    private static async Task FeedStdinAsync(Stream stdin, ByteString data, CancellationToken cancellationToken)
    {
        await using var owned = stdin;
        try
        {
            await stdin.WriteAsync(data.Memory, cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The command exited, or timed out, without reading all of it.
        }
    }
}
