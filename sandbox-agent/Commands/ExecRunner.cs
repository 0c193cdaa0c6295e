using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RemoteDev.Agent.Hosting;
using RemoteDev.Agent.Native;
using RemoteDev.V1;

namespace RemoteDev.Agent.Commands;

/// <summary>
/// One-shot commands: run in their own session and process group (via setsid, so the pid is the group id), output
/// streamed as ExecOutput, the whole group killed on timeout. The result is sent once the command itself exited:
/// a background child it started keeps running (and is not waited for).
/// </summary>
internal sealed class ExecRunner(string workspaceDir, IProcessHost host, ILogger logger)
{
    private const string Setsid = "/usr/bin/setsid";

    public static TimeSpan TimeoutOf(ExecCommand exec) =>
        CommandDurations.Optional(exec.Timeout, "exec.timeout") is { } t && t > TimeSpan.Zero ? t : CommandTimings.DefaultExecTimeout;

    public async Task<ExecExit> RunAsync(string commandId, ExecCommand exec, ICommandSink sink, CancellationToken cancellationToken)
    {
        var limit = TimeoutOf(exec);
        using var process = Start(exec);
        OomScore.TrySetChild(process.Id);
        using var timeout = new CancellationTokenSource(limit);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        ExecOutputPump[] pumps =
        [
            ExecOutputPump.Start(commandId, process.StandardOutput.BaseStream, StreamKind.Stdout, sink),
            ExecOutputPump.Start(commandId, process.StandardError.BaseStream, StreamKind.Stderr, sink),
        ];
        using var stdinDone = CancellationTokenSource.CreateLinkedTokenSource(either.Token);
        var stdin = FeedStdinAsync(process.StandardInput.BaseStream, exec.Stdin, stdinDone.Token);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(either.Token);
        }
        catch (OperationCanceledException)
        {
            Posix.KillGroup(process.Id, Posix.SIGKILL);
            await process.WaitForExitAsync(CancellationToken.None);
            timedOut = true;
        }

        await stdinDone.CancelAsync();
        await stdin;
        await DrainAsync(pumps);
        if (timedOut)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CommandLog.ExecTimedOut(logger, commandId, process.Id);
            return new ExecExit { Signal = "SIGKILL", TimedOut = true };
        }

        return new ExecExit { ExitCode = process.ExitCode };
    }

    /// <summary>
    /// What the exited command left in its pipes goes out before the result; a child it left running that still
    /// holds them gets <see cref="CommandTimings.ExecOutputDrainGrace"/>, then its output is dropped.
    /// </summary>
    private static async Task DrainAsync(ExecOutputPump[] pumps)
    {
        await Task.WhenAny(Task.WhenAll(pumps.Select(p => p.Eof)), Task.Delay(CommandTimings.ExecOutputDrainGrace));
        foreach (var pump in pumps)
        {
            await pump.DetachAsync();
        }

        foreach (var pump in pumps.Where(p => p.Eof.IsCompleted))
        {
            await pump.Eof;
        }
    }

    private Process Start(ExecCommand exec)
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
        var info = new ProcessStartInfo(Setsid)
        {
            WorkingDirectory = cwd,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--");
        info.ArgumentList.Add(executable);
        foreach (var arg in exec.Command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Clear();
        foreach (var (name, value) in env)
        {
            info.Environment[name] = value;
        }

        if (info.Environment.ContainsKey("PWD"))
        {
            info.Environment["PWD"] = Path.GetFullPath(cwd);
        }

        return Process.Start(info) ?? throw new ProcessHostException(StatusCode.Internal, "exec: the process did not start");
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
