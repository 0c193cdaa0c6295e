using System.Diagnostics;
using Google.Protobuf;
using Grpc.Net.Client;
using RemoteDev.V1;

namespace RemoteDev.Bench.Agent;

/// <summary>
/// agent-link: a real remotedev-agent against an in-process gateway. Latency of 100-byte lines at 1,000/s from the
/// writer's write to arrival at the gateway (baseline: the same writer read through a plain pipe); bulk throughput
/// of one process's output (baseline: the same gRPC client/server streaming 64 KiB chunks with no agent); agent RSS
/// idle and while streaming.
/// </summary>
internal sealed class AgentLinkBenchmark : IBenchmark
{
    public const string LinesProcess = "lines";
    private const string BulkProcess = "bulk";
    // The gateway's process JITs its hot paths in the background for the first seconds; three of them at 1,000 lines/s
    // keep that out of a figure meant for a running control plane. The pipe baseline gets the same.
    private const int WarmUpLines = 3_000;
    private const int Lines = WarmUpLines + 5_000;
    private const int LinesPerSecond = 1_000;
    private const long BulkBytes = 512L << 20;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public string Name => "agent-link";

    public string Description => "agent output latency and throughput to the control plane, vs pipe and raw gRPC; agent RSS";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("rd-agent-link-").FullName;
        await using var gateway = new BenchGateway();
        await gateway.StartAsync();
        var processes = ProcessFile(root);
        await using var agent = BenchAgent.Start(gateway.Url, root, processes);
        await WaitAsync(() => gateway.Hellos > 0, "the agent's hello");
        Console.Error.WriteLine("agent-link: agent connected; measuring idle RSS");
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var idleRss = agent.RssBytes();
        Console.Error.WriteLine($"agent-link: idle RSS {idleRss / 1048576.0:F1} MiB");

        Console.Error.WriteLine("agent-link: pipe baseline");
        var pipe = await PipeBaselineAsync(root, cancellationToken);
        Console.Error.WriteLine("agent-link: lines through the agent");
        await File.WriteAllTextAsync(Path.Combine(root, "go-lines"), "", cancellationToken);
        await WaitAsync(() => gateway.Lines.Count >= Lines, "all lines at the gateway");
        var link = gateway.Lines.Percentiles(WarmUpLines);

        Console.Error.WriteLine("agent-link: raw gRPC throughput");
        var rawMiBs = await RawGrpcAsync(gateway, cancellationToken);
        Console.Error.WriteLine("agent-link: bulk through the agent");
        var peakRss = idleRss;
        var started = Stopwatch.StartNew();
        await File.WriteAllTextAsync(Path.Combine(root, "go-bulk"), "", cancellationToken);
        while (gateway.BytesOf(BulkProcess) + gateway.LostOf(BulkProcess) < BulkBytes)
        {
            await Task.Delay(50, cancellationToken);
            peakRss = Math.Max(peakRss, agent.RssBytes());
            if (started.Elapsed > Patience)
            {
                throw new TimeoutException($"bulk: {gateway.BytesOf(BulkProcess)} of {BulkBytes} bytes arrived");
            }
        }

        var agentMiBs = gateway.BytesOf(BulkProcess) / 1048576.0 / started.Elapsed.TotalSeconds;
        var lostPercent = 100.0 * gateway.LostOf(BulkProcess) / BulkBytes;
        Console.WriteLine($"agent-link ({Lines - WarmUpLines} lines of {LineWriter.LineBytes} B at {LinesPerSecond}/s after {WarmUpLines} warm-up lines; {BulkBytes >> 20} MiB bulk)");
        Console.WriteLine($"  latency write->gateway  p50 {link.P50,8:F1} us   p99 {link.P99,8:F1} us   (n={link.Count})   goal p99 < 1000 us");
        Console.WriteLine($"  baseline plain pipe     p50 {pipe.P50,8:F1} us   p99 {pipe.P99,8:F1} us   (n={pipe.Count})");
        Console.WriteLine($"  ratio agent/pipe        p50 {link.P50 / pipe.P50,8:F1} x   p99 {link.P99 / pipe.P99,8:F1} x");
        Console.WriteLine($"  bulk throughput agent   {agentMiBs,8:F1} MiB/s   raw gRPC stream {rawMiBs,8:F1} MiB/s   ratio {agentMiBs / rawMiBs:P0}   goal >= 200 MiB/s");
        Console.WriteLine($"  bulk writer (head -c, never blocked by the agent) outran the link for {lostPercent:F1}% of its output: sent as gap records");
        Console.WriteLine($"  agent RSS idle {idleRss / 1048576.0,6:F1} MiB   while streaming (peak) {peakRss / 1048576.0,6:F1} MiB   goal idle < 40 MiB");
        Directory.Delete(root, recursive: true);
    }

    private static string ProcessFile(string root)
    {
        var lines = new ProcessSpec { Name = LinesProcess, Command = "/usr/bin/python3", Args = { "-u", "-c", LineWriter.Script(Path.Combine(root, "go-lines"), Lines, LinesPerSecond) } };
        var bulk = new ProcessSpec { Name = BulkProcess, Command = "bash", Args = { "-c", $"while [ ! -e {root}/go-bulk ]; do sleep 0.01; done; head -c {BulkBytes} /dev/zero; exec sleep 3600" } };
        return "[" + JsonFormatter.Default.Format(lines) + "," + JsonFormatter.Default.Format(bulk) + "]";
    }

    /// <summary>The same writer, read by this process through a pipe: the floor for any output path.</summary>
    private static async Task<(double P50, double P99, int Count)> PipeBaselineAsync(string root, CancellationToken cancellationToken)
    {
        var go = Path.Combine(root, "go-pipe");
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-u", "-c", LineWriter.Script(go, Lines, LinesPerSecond) })
        {
            info.ArgumentList.Add(arg);
        }

        using var writer = Process.Start(info)!;
        var recorder = new LatencyRecorder();
        await File.WriteAllTextAsync(go, "", cancellationToken);
        var stream = writer.StandardOutput.BaseStream;
        var buffer = new byte[65536];
        while (recorder.Count < Lines)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            recorder.Record(buffer.AsSpan(0, read), Stopwatch.GetTimestamp());
        }

        writer.Kill();
        return recorder.Percentiles(WarmUpLines);
    }

    /// <summary>The same gRPC client and server with no agent: a hello, then 64 KiB output chunks as fast as possible.</summary>
    private static async Task<double> RawGrpcAsync(BenchGateway gateway, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(gateway.Url);
        using var call = new AgentGateway.AgentGatewayClient(channel).Connect(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new AgentMessage { Hello = new AgentHello { SandboxId = "raw" } }, cancellationToken);
        await call.ResponseStream.MoveNext(cancellationToken);
        var chunk = ByteString.CopyFrom(new byte[64 * 1024]);
        var started = Stopwatch.StartNew();
        for (ulong offset = 0; offset < BulkBytes; offset += (ulong)chunk.Length)
        {
            await call.RequestStream.WriteAsync(new AgentMessage { Output = new OutputChunk { Process = "raw", Offset = offset, Data = chunk } }, cancellationToken);
        }

        await WaitAsync(() => gateway.BytesOf("raw") >= BulkBytes, "raw bytes at the gateway");
        var miBs = BulkBytes / 1048576.0 / started.Elapsed.TotalSeconds;
        await call.RequestStream.CompleteAsync();
        return miBs;
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var started = Stopwatch.StartNew();
        while (!condition())
        {
            if (started.Elapsed > Patience)
            {
                throw new TimeoutException("waiting for " + what);
            }

            await Task.Delay(10);
        }
    }
}
