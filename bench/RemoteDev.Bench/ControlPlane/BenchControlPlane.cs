using System.Diagnostics;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using RemoteDev.ControlPlane.Drivers.Process;
using RemoteDev.Testing;
using RemoteDev.V1;

namespace RemoteDev.Bench.ControlPlane;

/// <summary>A control plane process (SQLite in a temp dir) with an admin client, as the benchmarks need it.</summary>
internal sealed class BenchControlPlane : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly GrpcChannel _channel;

    private BenchControlPlane(Process process, string dataDir, int grpcPort, int httpPort)
    {
        HttpPort = httpPort;
        _process = process;
        DataDir = dataDir;
        GrpcPort = grpcPort;
        var token = File.ReadAllText(Path.Combine(dataDir, "admin.key")).Trim();
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        var invoker = _channel.CreateCallInvoker().Intercept(headers =>
        {
            headers.Add("authorization", $"Bearer {token}");
            return headers;
        });
        Sandboxes = new Sandboxes.SandboxesClient(invoker);
        Processes = new Processes.ProcessesClient(invoker);
    }

    public string DataDir { get; }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public int Pid => _process.Id;

    public Sandboxes.SandboxesClient Sandboxes { get; }

    public Processes.ProcessesClient Processes { get; }

    public static string Root { get; } = FindRoot();

    public static string AgentPath => RemoteDev.Testing.PublishedAgent.Binary(Root);

    public static async Task<BenchControlPlane> StartAsync()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "rdbench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        var grpcPort = FreePort.Next();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Root, "control-plane", "bin", "Release", "net10.0", "remotedev-control-plane.dll"));
        start.Environment["DOTNET_GCgen0size"] = "0x400000"; // as scripts/run starts the control plane
        start.Environment["ControlPlane__GrpcAddress"] = $"127.0.0.1:{grpcPort}";
        var httpPort = FreePort.Next();
        start.Environment["ControlPlane__HttpAddress"] = $"127.0.0.1:{httpPort}";
        start.Environment["ControlPlane__DataDir"] = dataDir;
        start.Environment["ControlPlane__AgentPath"] = AgentPath;
        start.Environment["ControlPlane__LogLevel"] = Environment.GetEnvironmentVariable("REMOTEDEV_BENCH_LOG_LEVEL") ?? "Information";
        start.Environment["Store__DataDirectory"] = dataDir;
        start.Environment["Store__OutputRetentionBytes"] = (512L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var process = Process.Start(start)!;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.StartsWith("remotedev-control-plane: gRPC on", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        var log = new StreamWriter(Path.Combine(dataDir, "control-plane.log")) { AutoFlush = true };
        process.OutputDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.WriteLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.WriteLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(StartTimeout);
        return new BenchControlPlane(process, dataDir, grpcPort, httpPort);
    }

    /// <summary>The control plane's resident memory by kind, from /proc/PID/status.</summary>
    public ResidentMemory Memory()
    {
        var fields = File.ReadLines($"/proc/{_process.Id}/status")
            .Select(l => l.Split(':', 2))
            .Where(f => f[0].StartsWith("Rss", StringComparison.Ordinal))
            .ToDictionary(f => f[0], f => long.Parse(f[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024);
        return new ResidentMemory(fields["RssAnon"], fields["RssShmem"], fields["RssFile"]);
    }

    public async Task<Sandbox> WaitReadyAsync(string id, CancellationToken cancellationToken)
    {
        using var watch = Sandboxes.Watch(new WatchSandboxesRequest { Id = id }, cancellationToken: cancellationToken);
        while (await watch.ResponseStream.MoveNext(cancellationToken))
        {
            var sandbox = watch.ResponseStream.Current.Sandbox;
            if (sandbox.Status.Phase == SandboxPhase.Ready)
            {
                return sandbox;
            }

            if (sandbox.Status.Phase == SandboxPhase.Failed)
            {
                throw new InvalidOperationException($"sandbox {id} failed: {sandbox.Status.Reason}");
            }
        }

        throw new InvalidOperationException($"sandbox {id} never became ready");
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        _process.Kill();
        await _process.WaitForExitAsync();
        var label = new ProcessDriverOptions(Path.Combine(DataDir, "sandboxes"), "", "").Label;
        foreach (var pid in ProcFs.AllPids())
        {
            if (ProcFs.Environment(pid).GetValueOrDefault(AgentEnvironment.DriverLabel) == label)
            {
                Posix.SignalGroup(pid, Posix.SigKill);
            }
        }

        await Task.Delay(200);
        if (Environment.GetEnvironmentVariable("REMOTEDEV_KEEP_BENCH_DATA") is { Length: > 0 })
        {
            Console.WriteLine($"bench data kept in {DataDir}");
            return;
        }

        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RemoteDev.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("RemoteDev.sln not found");
    }
}
