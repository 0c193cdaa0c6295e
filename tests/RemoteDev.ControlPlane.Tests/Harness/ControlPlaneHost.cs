using System.Diagnostics;
using RemoteDev.ControlPlane.Drivers.Process;
using RemoteDev.Testing;

namespace RemoteDev.ControlPlane.Tests.Harness;

/// <summary>Where a control plane keeps its state; one per test class, reused across restarts.</summary>
public sealed record ControlPlaneConfig(string DataDir, string? PostgresConnectionString)
{
    public int GrpcPort { get; } = FreePort.Next();

    public int HttpPort { get; } = FreePort.Next();

    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();
}

/// <summary>The control plane as a separate process (`dotnet remotedev-control-plane.dll`), so tests can kill -9 it.</summary>
public sealed class ControlPlaneHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private const int KeptLines = 400;

    private readonly Process _process;
    private readonly Queue<string> _lines = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ControlPlaneHost(ControlPlaneConfig config)
    {
        Config = config;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.ControlPlaneDll);
        start.Environment["ControlPlane__GrpcAddress"] = $"127.0.0.1:{config.GrpcPort}";
        start.Environment["ControlPlane__HttpAddress"] = $"127.0.0.1:{config.HttpPort}";
        start.Environment["ControlPlane__DataDir"] = config.DataDir;
        start.Environment["ControlPlane__AgentPath"] = RepoPaths.AgentPath;
        start.Environment["ControlPlane__HeartbeatInterval"] = "00:00:01";
        start.Environment["ControlPlane__AgentSilenceTimeout"] = "00:00:05";
        start.Environment["ControlPlane__LostGrace"] = "00:00:06";
        start.Environment["Store__DataDirectory"] = config.DataDir;
        start.Environment["Store__Kind"] = config.PostgresConnectionString is null ? "Sqlite" : "Postgres";
        start.Environment["Store__ConnectionString"] = config.PostgresConnectionString ?? "";
        foreach (var (key, value) in config.Extra)
        {
            start.Environment[key] = value;
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) =>
        {
            // Its last lines (why it exited) may still be in the pipes: WaitForExit() reads them to the end.
            _process.WaitForExit();
            _ready.TrySetException(new InvalidOperationException("the control plane exited:\n" + Output));
        };
    }

    public ControlPlaneConfig Config { get; }

    public string GrpcAddress => $"http://127.0.0.1:{Config.GrpcPort}";

    public string HttpAddress => $"http://127.0.0.1:{Config.HttpPort}";

    public string AdminToken => File.ReadAllText(Path.Combine(Config.DataDir, "admin.key")).Trim();

    /// <summary>The last lines the control plane printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    public int Pid => _process.Id;

    /// <summary>How it exited; only once it did.</summary>
    public int ExitCode => _process.ExitCode;

    public static async Task<ControlPlaneHost> StartAsync(ControlPlaneConfig config)
    {
        var host = Launch(config);
        await host.ReadyAsync();
        return host;
    }

    /// <summary>Starts the control plane without waiting for it to serve (<see cref="ReadyAsync"/>).</summary>
    public static ControlPlaneHost Launch(ControlPlaneConfig config)
    {
        var host = new ControlPlaneHost(config);
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Completes once it serves; fails if it exited first, with what it printed.</summary>
    public Task ReadyAsync() => _ready.Task.WaitAsync(StartTimeout);

    /// <summary>kill -9 of the control plane alone; its agents live on in their own sessions.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM (as Ctrl-C of scripts/run), then waits for the control plane to finish its shutdown.</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(StartTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    /// <summary>Kills every agent started for <paramref name="dataDir"/> and removes the directory.</summary>
    public static void CleanUp(string dataDir)
    {
        var label = new ProcessDriverOptions(Path.Combine(dataDir, "sandboxes"), "", "").Label;
        foreach (var pid in ProcFs.AllPids())
        {
            if (ProcFs.Environment(pid).GetValueOrDefault(AgentEnvironment.DriverLabel) == label)
            {
                Posix.SignalGroup(pid, Posix.SigKill);
            }
        }

        if (Environment.GetEnvironmentVariable("REMOTEDEV_KEEP_TEST_DATA") is { Length: > 0 })
        {
            return;
        }

        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // An agent that was still exiting may have recreated a file; the temp dir is left behind then.
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > KeptLines)
            {
                _lines.Dequeue();
            }
        }

        if (line.StartsWith("remotedev-control-plane: gRPC on", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
