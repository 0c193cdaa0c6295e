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
/// streamed as ExecOutput, the whole group killed on timeout.
/// </summary>
internal sealed class ExecRunner(string workspaceDir, IProcessHost host, ILogger logger)
{
    private const string Setsid = "/usr/bin/setsid";

    public static TimeSpan TimeoutOf(ExecCommand exec) =>
        exec.Timeout is { } t && t.ToTimeSpan() > TimeSpan.Zero ? t.ToTimeSpan() : CommandTimings.DefaultExecTimeout;

    public async Task<ExecExit> RunAsync(string commandId, ExecCommand exec, ICommandSink sink, CancellationToken cancellationToken)
    {
        using var process = Start(exec);
        OomScore.TrySetChild(process.Id);
        using var timeout = new CancellationTokenSource(TimeoutOf(exec));
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var stdout = PumpAsync(commandId, process.StandardOutput.BaseStream, StreamKind.Stdout, sink);
        var stderr = PumpAsync(commandId, process.StandardError.BaseStream, StreamKind.Stderr, sink);
        await FeedStdinAsync(process, exec.Stdin);
        try
        {
            await process.WaitForExitAsync(either.Token);
        }
        catch (OperationCanceledException)
        {
            Posix.KillGroup(process.Id, Posix.SIGKILL);
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(stdout, stderr);
            cancellationToken.ThrowIfCancellationRequested();
            CommandLog.ExecTimedOut(logger, commandId, process.Id);
            return new ExecExit { Signal = "SIGKILL", TimedOut = true };
        }

        await Task.WhenAll(stdout, stderr);
        return new ExecExit { ExitCode = process.ExitCode };
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

    private static async Task FeedStdinAsync(Process process, ByteString stdin)
    {
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin.Memory);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The command exited without reading its stdin.
        }
    }

    private static async Task PumpAsync(string commandId, Stream stream, StreamKind kind, ICommandSink sink)
    {
        var buffer = new byte[CommandTimings.ExecReadBufferBytes];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            var output = new ExecOutput { CommandId = commandId, Kind = kind, Data = ByteString.CopyFrom(buffer, 0, read) };
            await sink.PostAsync(new AgentMessage { ExecOutput = output }, CancellationToken.None);
        }
    }
}
