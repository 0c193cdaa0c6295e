using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace RemoteDev.Agent.Tests.Infrastructure;

/// <summary>The real remotedev-agent binary, run with its own temp directories against a gateway URL.</summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ProcessStartInfo _start;
    private readonly StringBuilder _log = new();
    private readonly Lock _logGate = new();
    private bool _ownsRoot = true;

    private AgentProcess(ProcessStartInfo start, string root)
    {
        _start = start;
        _process = Process.Start(start)!;
        Root = root;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The agent's temp directory: data/, logs/, workspace/, agent.sock, and files tests create.</summary>
    public string Root { get; }

    public string Workspace => Path.Combine(Root, "workspace");

    public string Socket => Path.Combine(Root, "agent.sock");

    public int Pid => _process.Id;

    /// <summary>Everything the agent printed, and its exit code once it exited.</summary>
    public string Log
    {
        get
        {
            lock (_logGate)
            {
                return (_process.HasExited ? $"[exited {_process.ExitCode}]\n" : "") + _log;
            }
        }
    }

    public static string Binary => RemoteDev.Testing.PublishedAgent.Binary(RepoRoot());

    public static AgentProcess Start(string url, string sandboxId, string token, string? processFileJson) =>
        StartUnder([], url, sandboxId, token, processFileJson);

    /// <summary>Starts the agent as the last argument of <paramref name="launcher"/> (a wrapper that execs it).</summary>
    public static AgentProcess StartUnder(string[] launcher, string url, string sandboxId, string token, string? processFileJson)
    {
        var root = Directory.CreateTempSubdirectory("rdag-").FullName;
        var command = launcher.Append(Binary).ToArray();
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["REMOTEDEV_CONTROL_PLANE_URL"] = url;
        info.Environment["REMOTEDEV_SANDBOX_ID"] = sandboxId;
        info.Environment["REMOTEDEV_AGENT_TOKEN"] = token;
        info.Environment["REMOTEDEV_DATA_DIR"] = Path.Combine(root, "data");
        info.Environment["REMOTEDEV_LOG_DIR"] = Path.Combine(root, "logs");
        info.Environment["REMOTEDEV_WORKSPACE_DIR"] = Path.Combine(root, "workspace");
        info.Environment["REMOTEDEV_CTL_SOCKET"] = Path.Combine(root, "agent.sock");
        // As the sandbox image sets it for the agent's runtime.
        info.Environment["DOTNET_GCgen0size"] = "0x400000";
        if (processFileJson is not null)
        {
            var file = Path.Combine(root, "processes.json");
            File.WriteAllText(file, processFileJson);
            info.Environment["REMOTEDEV_PROCESS_FILE"] = file;
        }

        return new AgentProcess(info, root);
    }

    public void Terminate() => kill(_process.Id, 15);

    /// <summary>SIGKILL, the way an OOM kill ends the agent: nothing of it runs on to clean up.</summary>
    public async Task KillAsync()
    {
        kill(_process.Id, 9);
        await WaitForExitAsync();
    }

    /// <summary>
    /// A new run of the agent, once this one exited, with the same settings and directories (its state, workspace and
    /// the files tests made); deleting them on dispose is then its job, no longer this one's.
    /// </summary>
    public AgentProcess StartAgain()
    {
        _ownsRoot = false;
        return new AgentProcess(_start, Root);
    }

    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Patience);
        return _process.ExitCode;
    }

    /// <summary>Runs `remotedev-agent ctl ARGS` against this agent.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> CtlAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("ctl");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["REMOTEDEV_CTL_SOCKET"] = Socket;
        using var ctl = Process.Start(info)!;
        var stdout = ctl.StandardOutput.ReadToEndAsync();
        var stderr = ctl.StandardError.ReadToEndAsync();
        await ctl.WaitForExitAsync().WaitAsync(Patience);
        return (ctl.ExitCode, await stdout, await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Terminate();
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                _process.Kill();
            }
        }

        _process.Dispose();
        if (!_ownsRoot)
        {
            return;
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logGate)
        {
            _log.AppendLine(line);
        }
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RemoteDev.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("RemoteDev.sln not found above " + AppContext.BaseDirectory);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
