using System.Diagnostics;
using System.Text;
using RemoteDev.Testing;

namespace RemoteDev.Cli.Tests.Harness;

/// <summary>
/// The real control plane (`dotnet remotedev-control-plane.dll`) on free ports with its own temp data directory
/// (SQLite, the admin key file, the process driver's sandboxes). Dispose kills it and every agent it started.
/// </summary>
public sealed class ControlPlaneProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private const string ReadyLine = "remotedev-control-plane: gRPC on";
    private const int KeptLines = 200;

    private readonly Queue<string> _lines = new();
    private readonly int _grpcPort;
    private readonly int _httpPort = FreePort.Next();
    private readonly IReadOnlyDictionary<string, string> _settings;
    private Process _process = null!;

    private ControlPlaneProcess(string dataDir, int grpcPort, IReadOnlyDictionary<string, string> settings)
    {
        DataDir = dataDir;
        Server = $"http://127.0.0.1:{grpcPort}";
        _grpcPort = grpcPort;
        _settings = settings;
    }

    /// <summary>Holds admin.key once started (what rdev finds through REMOTEDEV_DATA_DIR).</summary>
    public string DataDir { get; }

    public string Server { get; }

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

    /// <summary>Starts one; <paramref name="settings"/> are extra configuration entries (environment variables).</summary>
    public static async Task<ControlPlaneProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var host = new ControlPlaneProcess(Directory.CreateTempSubdirectory("rdev-cp-").FullName, FreePort.Next(), settings);
        await host.LaunchAsync();
        return host;
    }

    /// <summary>kill -9 of the control plane alone (its agents live on), then a new one on the same address and data.</summary>
    public async Task KillAndRestartAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
        _process.Dispose();
        await LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        KillAgents();
        Directory.Delete(DataDir, recursive: true);
    }

    private async Task LaunchAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepoPaths.ControlPlaneDll);
        start.Environment["ControlPlane__GrpcAddress"] = $"127.0.0.1:{_grpcPort}";
        start.Environment["ControlPlane__HttpAddress"] = $"127.0.0.1:{_httpPort}";
        start.Environment["ControlPlane__DataDir"] = DataDir;
        start.Environment["ControlPlane__AgentPath"] = RepoPaths.Agent;
        foreach (var (key, value) in _settings)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => OnLine(e.Data, ready);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, ready);
        process.Exited += (_, _) =>
        {
            // Its last lines (why it exited) may still be in the pipes: WaitForExit() reads them to the end.
            process.WaitForExit();
            ready.TrySetException(new InvalidOperationException("the control plane exited:\n" + Output));
        };
        _process = process;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(StartTimeout);
    }

    /// <summary>The process driver starts each agent in its own session, with its directories under our data dir.</summary>
    private void KillAgents()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && EnvironOf(dir).Contains(DataDir, StringComparison.Ordinal))
            {
                _ = PosixSignals.Send(-pid, PosixSignals.SigKill);
                _ = PosixSignals.Send(pid, PosixSignals.SigKill);
            }
        }
    }

    private static string EnvironOf(string procDir)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(procDir, "environ")));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return ""; // The process exited while we looked.
        }
    }

    private void OnLine(string? line, TaskCompletionSource ready)
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

        if (line.StartsWith(ReadyLine, StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }
}
