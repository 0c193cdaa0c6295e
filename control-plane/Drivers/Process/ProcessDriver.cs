using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace RemoteDev.ControlPlane.Drivers.Process;

/// <summary>
/// The embedded default: each sandbox is a remotedev-agent child process in its own session, with its own directory
/// under the data dir. Agents outlive the control plane and are adopted again at start.
/// </summary>
internal sealed class ProcessDriver(ProcessDriverOptions options, ILogger<ProcessDriver> logger) : ISandboxDriver
{
    private static readonly TimeSpan ExitPollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    private static readonly HashSet<string> InheritedByAgents =
        ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "TZ", "TERM", "TMPDIR", "DOTNET_ROOT"];

    private static readonly TimeSpan ReapWait = TimeSpan.FromSeconds(1);

    // Agents this instance started: kept so that the runtime reaps them when they exit.
    private readonly ConcurrentDictionary<string, System.Diagnostics.Process> _children = new(StringComparer.Ordinal);

    public string Name => "process";

    public DriverCapabilities Capabilities { get; } = new(Adopt: true, ResourceLimits: false, Images: false);

    public Task StartAsync(SandboxLaunch launch, CancellationToken cancellationToken)
    {
        var dir = SandboxDir(launch.SandboxId);
        if (AgentRecord.Read(dir) is { } existing && existing.IsAlive())
        {
            return Task.CompletedTask;
        }

        Directory.CreateDirectory(dir);
        foreach (var sub in new[] { "data", "logs", "workspace" })
        {
            Directory.CreateDirectory(Path.Combine(dir, sub));
        }

        // The initial processes: READY waits for the required ones among them.
        var processFile = Path.Combine(dir, "processes.json");
        File.WriteAllText(processFile, "[" + string.Join(",", launch.Spec.Processes.Select(p => Google.Protobuf.JsonFormatter.Default.Format(p))) + "]");

        // The sandbox env, so the initial processes start with it (owner-only: values may be secrets).
        var envFile = Path.Combine(dir, "initial-env.json");
        File.WriteAllText(envFile, System.Text.Json.JsonSerializer.Serialize(launch.Spec.Env.ToDictionary(e => e.Key, e => e.Value)));
        File.SetUnixFileMode(envFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = Path.Combine(dir, "workspace"),
        };
        // setsid: the agent leads its own session and process group, so a dying control plane does not take it along.
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec /usr/bin/setsid \"$0\" >>\"$1\" 2>&1 </dev/null");
        start.ArgumentList.Add(options.AgentPath);
        start.ArgumentList.Add(Path.Combine(dir, "agent.log"));
        // The control plane's own environment (store connection strings, its configuration) is not the sandbox's.
        foreach (var key in start.Environment.Keys.Where(k => !InheritedByAgents.Contains(k) && !k.StartsWith("LC_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment[AgentEnvironment.ControlPlaneUrl] = options.ControlPlaneUrl;
        start.Environment[AgentEnvironment.SandboxId] = launch.SandboxId;
        start.Environment[AgentEnvironment.AgentToken] = launch.AgentToken;
        start.Environment[AgentEnvironment.DataDir] = Path.Combine(dir, "data");
        start.Environment[AgentEnvironment.LogDir] = Path.Combine(dir, "logs");
        start.Environment[AgentEnvironment.WorkspaceDir] = Path.Combine(dir, "workspace");
        start.Environment[AgentEnvironment.ProcessFile] = processFile;
        start.Environment[AgentEnvironment.InitialEnvFile] = envFile;
        start.Environment[AgentEnvironment.DriverLabel] = options.Label;
        start.Environment[AgentEnvironment.GcGen0Size] = AgentEnvironment.GcGen0SizeValue;

        // The previous agent's record goes first: an agent that exits before it is recorded is found by its exit.
        File.Delete(Path.Combine(dir, AgentRecord.FileName));
        var child = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("the agent did not start");
        // The child has its own copy. The Process kept for reaping holds this start info: without the clear, a copy of
        // the environment (the agent token among it) for every sandbox.
        start.Environment.Clear();
        _children[launch.SandboxId] = child;
        ProcessDriverLog.Started(logger, launch.SandboxId, child.Id);
        if (ProcFs.LiveStartTime(child.Id) is { } startTime)
        {
            new AgentRecord(child.Id, startTime, launch.SandboxId, options.Label).Write(dir);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> RecoverAsync(CancellationToken cancellationToken)
    {
        var adopted = new List<string>();
        if (!Directory.Exists(options.SandboxesDir))
        {
            return Task.FromResult<IReadOnlyList<string>>(adopted);
        }

        foreach (var dir in Directory.EnumerateDirectories(options.SandboxesDir))
        {
            if (AgentRecord.Read(dir) is { } record && record.Label == options.Label && record.IsAlive())
            {
                adopted.Add(record.SandboxId);
                ProcessDriverLog.Adopted(logger, record.SandboxId, record.Pid);
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(adopted);
    }

    public async Task StopAsync(string sandboxId, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (AgentRecord.Read(SandboxDir(sandboxId)) is not { } record || !record.IsAlive())
        {
            return;
        }

        Posix.SignalGroup(record.Pid, Posix.SigTerm);
        if (!await WaitExitAsync(record, grace, cancellationToken))
        {
            ProcessDriverLog.Killed(logger, sandboxId, record.Pid);
            Posix.SignalGroup(record.Pid, Posix.SigKill);
            await WaitExitAsync(record, KillWait, cancellationToken);
        }

        // The agent's children share its process group; none may outlive it.
        Posix.SignalGroup(record.Pid, Posix.SigKill);
    }

    public async Task DestroyAsync(string sandboxId, CancellationToken cancellationToken)
    {
        await StopAsync(sandboxId, TimeSpan.Zero, cancellationToken);
        _children.TryRemove(sandboxId, out _);
        var dir = SandboxDir(sandboxId);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    public async Task<SandboxInspection> InspectAsync(string sandboxId, CancellationToken cancellationToken)
    {
        var record = AgentRecord.Read(SandboxDir(sandboxId));
        if (record is not null && record.IsAlive())
        {
            return new SandboxInspection(SandboxRunState.Running, record.Pid, "");
        }

        // No live record but our child: it exited, perhaps before it could be recorded.
        _children.TryGetValue(sandboxId, out var child);
        if (record is null && child is null)
        {
            return new SandboxInspection(SandboxRunState.Absent, null, "");
        }

        var pid = record?.Pid ?? child!.Id;
        return new SandboxInspection(SandboxRunState.Exited, pid, await ExitDetailAsync(sandboxId, child is not null && child.Id == pid ? child : null, cancellationToken));
    }

    /// <summary>
    /// The exit status when the agent was our child (an adopted one's is not ours to see) and its log's last line. A
    /// child that just died is reaped by the runtime's SIGCHLD handling a moment later: its status is waited for.
    /// </summary>
    private async Task<string> ExitDetailAsync(string sandboxId, System.Diagnostics.Process? child, CancellationToken cancellationToken)
    {
        var status = "exited";
        if (child is not null)
        {
            using var reaped = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            reaped.CancelAfter(ReapWait);
            try
            {
                await child.WaitForExitAsync(reaped.Token);
                status = $"exit code {child.ExitCode}";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Not reaped within the wait (it is not dead after all, or not ours): the plain word stands.
            }
        }

        var log = Path.Combine(SandboxDir(sandboxId), "agent.log");
        return LastLine(log) is { } line ? $"{status}; last log line: {line}; log: {log}" : $"{status}; log: {log}";
    }

    private static string? LastLine(string path)
    {
        const int TailBytes = 4096;
        const int MaxLineChars = 300;
        try
        {
            using var file = File.OpenRead(path);
            var buffer = new byte[Math.Min(TailBytes, file.Length)];
            file.Seek(-buffer.Length, SeekOrigin.End);
            file.ReadExactly(buffer);
            var line = System.Text.Encoding.UTF8.GetString(buffer).TrimEnd().Split('\n')[^1].Trim();
            return line.Length == 0 ? null : line.Length > MaxLineChars ? line[..MaxLineChars] + "…" : line;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> ReapOrphansAsync(IReadOnlySet<string> liveSandboxIds, CancellationToken cancellationToken)
    {
        var reaped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pid in ProcFs.AllPids())
        {
            var env = ProcFs.Environment(pid);
            if (env.GetValueOrDefault(AgentEnvironment.DriverLabel) == options.Label
                && env.GetValueOrDefault(AgentEnvironment.SandboxId) is { } id
                && !liveSandboxIds.Contains(id))
            {
                Posix.SignalGroup(pid, Posix.SigKill);
                reaped.Add(id);
            }
        }

        if (Directory.Exists(options.SandboxesDir))
        {
            foreach (var dir in Directory.EnumerateDirectories(options.SandboxesDir))
            {
                var id = Path.GetFileName(dir);
                if (!liveSandboxIds.Contains(id))
                {
                    await DestroyAsync(id, cancellationToken);
                    reaped.Add(id);
                }
            }
        }

        foreach (var id in reaped)
        {
            ProcessDriverLog.Reaped(logger, id);
        }

        return [.. reaped];
    }

    private string SandboxDir(string sandboxId) => Path.Combine(options.SandboxesDir, sandboxId);

    private async Task<bool> WaitExitAsync(AgentRecord record, TimeSpan limit, CancellationToken cancellationToken)
    {
        if (_children.TryGetValue(record.SandboxId, out var child) && child.Id == record.Pid)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(limit);
            try
            {
                await child.WaitForExitAsync(timeout.Token);
                return true;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }

        // An adopted agent is not our child: no exit notification reaches us, so watch /proc.
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (record.IsAlive())
        {
            if (Stopwatch.GetTimestamp() >= deadline)
            {
                return false;
            }

            await Task.Delay(ExitPollInterval, cancellationToken);
        }

        return true;
    }
}
