using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using RemoteDev.Testing;
using RemoteDev.V1;

namespace RemoteDev.Bench.ControlPlane;

/// <summary>
/// cp-attach: latency from a process's write to an attached operator at 1,000 lines/s (goal p99 &lt; 2 ms) and
/// throughput of 100-byte lines end to end (goal &gt;= 100 MiB/s), each against one raw gRPC stream in the same run.
/// </summary>
internal sealed class AttachBenchmark : IBenchmark
{
    // The control plane and the bench's own client JIT their hot paths in the background for the first seconds; three
    // seconds of lines keep that out of a figure meant for a running control plane. The raw baseline gets the same.
    private const int WarmUpLines = 3_000;
    private const int LatencyLines = WarmUpLines + 5_000;
    private const long DefaultBulkMiB = 100;

    private const string Writer = """
        import sys, time
        n = int(sys.argv[1]); out = sys.stdout.buffer; due = time.monotonic()
        for i in range(n):
            out.write(b"%019d" % time.time_ns() + b" " * 80 + b"\n"); out.flush()
            due += 0.001; d = due - time.monotonic()
            if d > 0: time.sleep(d)
        """;

    public string Name => "cp-attach";

    public string Description => "control plane: attach latency at 1,000 lines/s and 100-byte-line throughput, vs one raw gRPC stream [bulk MiB, default 100]";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var bulkBytes = (args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : DefaultBulkMiB) * 1024 * 1024;
        var port = FreePort.Next();
        var baselineApp = await BaselineLogsServer.StartAsync(port);
        using var baselineChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var baseline = new Processes.ProcessesClient(baselineChannel);
        var rawLatency = await RawLatencyAsync(baseline, cancellationToken);
        var rawBulk = await RawBulkAsync(baseline, bulkBytes, cancellationToken);
        await baselineApp.StopAsync(cancellationToken);

        await using var cp = await BenchControlPlane.StartAsync();
        var sandbox = await cp.Sandboxes.CreateAsync(new CreateSandboxRequest { Name = "attach", Project = "bench", Spec = new SandboxSpec() }, cancellationToken: cancellationToken);
        await cp.WaitReadyAsync(sandbox.Id, cancellationToken);
        var latency = await AttachLatencyAsync(cp, sandbox.Id, cancellationToken);
        var (bulk, reattached) = await AttachBulkAsync(cp, sandbox.Id, bulkBytes, cancellationToken);

        Console.WriteLine($"cp-attach: latency at 1,000 lines/s, process -> agent -> control plane (stored) -> operator: p50 {latency.P50:F3} ms, p99 {latency.P99:F3} ms, p99.9 {latency.P999:F3} ms (goal p99 < 2 ms: {(latency.P99 < 2 ? "met" : "missed")})");
        Console.WriteLine($"cp-attach: baseline raw gRPC stream:                                             p50 {rawLatency.P50:F3} ms, p99 {rawLatency.P99:F3} ms, p99.9 {rawLatency.P999:F3} ms; ratio p99 {latency.P99 / rawLatency.P99:F1}x");
        Console.WriteLine($"cp-attach: throughput of 100-byte lines end to end: {bulk:F0} MiB/s (goal >= 100 MiB/s: {(bulk >= 100 ? "met" : "missed")}); raw gRPC stream {rawBulk:F0} MiB/s; ratio {bulk / rawBulk:F2}x; cut off as too slow and reattached {reattached} times");
    }

    private static async Task<(double P50, double P99, double P999)> RawLatencyAsync(Processes.ProcessesClient client, CancellationToken cancellationToken)
    {
        using var call = client.Logs(new LogsRequest { Process = "latency", TailBytes = LatencyLines }, cancellationToken: cancellationToken);
        var meter = new LineLatency();
        await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            meter.Add(message.Output.Data.Span);
        }

        return meter.Result(WarmUpLines);
    }

    private static async Task<double> RawBulkAsync(Processes.ProcessesClient client, long bulkBytes, CancellationToken cancellationToken)
    {
        using var call = client.Logs(new LogsRequest { Process = "bulk", TailBytes = (ulong)bulkBytes }, cancellationToken: cancellationToken);
        long received = 0;
        var watch = Stopwatch.StartNew();
        await foreach (var message in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            received += message.Output.Data.Length;
        }

        return received / 1048576.0 / watch.Elapsed.TotalSeconds;
    }

    private static async Task<(double P50, double P99, double P999)> AttachLatencyAsync(BenchControlPlane cp, string sandboxId, CancellationToken cancellationToken)
    {
        var spec = new ProcessSpec { Name = "lat", Command = "/usr/bin/python3", RestartPolicy = RestartPolicy.Never };
        spec.Args.Add(["-c", Writer, LatencyLines.ToString(CultureInfo.InvariantCulture)]);
        await cp.Processes.AddAsync(new AddProcessRequest { SandboxId = sandboxId, Spec = spec }, cancellationToken: cancellationToken);
        // From offset 0: the lines written before the attach opened are replayed, within the warm-up that is not counted.
        using var attach = await OpenAsync(cp, sandboxId, "lat", 0, cancellationToken);
        var meter = new LineLatency();
        while (meter.Count < LatencyLines && await attach.ResponseStream.MoveNext(cancellationToken))
        {
            if (attach.ResponseStream.Current.Output is { } chunk)
            {
                meter.Add(chunk.Data.Span);
            }
        }

        return meter.Result(WarmUpLines);
    }

    /// <summary>
    /// Reads like a well-behaved client: when cut off as too slow (RESOURCE_EXHAUSTED) it reattaches from its next
    /// offset, as the status tells it to. Returns MiB/s and how many times that happened.
    /// </summary>
    private static async Task<(double MiBs, int Reattached)> AttachBulkAsync(BenchControlPlane cp, string sandboxId, long bulkBytes, CancellationToken cancellationToken)
    {
        var spec = new ProcessSpec { Name = "bulk", Command = "/bin/sh", RestartPolicy = RestartPolicy.Never };
        spec.Args.Add(["-c", $"yes $(printf %099d 0) | head -c {bulkBytes}"]);
        // `yes` outruns any link: a ring holding all of it keeps the measurement free of gaps.
        spec.OutputBufferBytes = (ulong)bulkBytes + (1 << 20);
        var watch = Stopwatch.StartNew();
        await cp.Processes.AddAsync(new AddProcessRequest { SandboxId = sandboxId, Spec = spec }, cancellationToken: cancellationToken);
        var attach = await OpenAsync(cp, sandboxId, "bulk", 0, cancellationToken);
        long received = 0;
        var reattached = 0;
        try
        {
            while (received < bulkBytes)
            {
                try
                {
                    if (!await attach.ResponseStream.MoveNext(cancellationToken))
                    {
                        break;
                    }
                }
                catch (RpcException error) when (error.StatusCode == StatusCode.ResourceExhausted)
                {
                    attach.Dispose();
                    attach = await OpenAsync(cp, sandboxId, "bulk", (ulong)received, cancellationToken);
                    reattached++;
                    continue;
                }

                var message = attach.ResponseStream.Current;
                received += message.Output?.Data.Length ?? (long)(message.Gap?.Length ?? 0);
            }
        }
        finally
        {
            attach.Dispose();
        }

        return (received / 1048576.0 / watch.Elapsed.TotalSeconds, reattached);
    }

    private static async Task<AsyncDuplexStreamingCall<AttachRequest, AttachResponse>> OpenAsync(BenchControlPlane cp, string sandboxId, string process, ulong offset, CancellationToken cancellationToken)
    {
        var attach = cp.Processes.Attach(cancellationToken: cancellationToken);
        await attach.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = sandboxId, Process = process, Offset = offset } }, cancellationToken);
        return attach;
    }

    /// <summary>Splits received bytes into 100-byte lines and measures now minus the stamp each line starts with.</summary>
    private sealed class LineLatency
    {
        private readonly List<double> _ms = [];
        private readonly List<byte> _partial = [];

        public int Count => _ms.Count;

        public void Add(ReadOnlySpan<byte> data)
        {
            var now = Lines.NowNanos();
            foreach (var b in data)
            {
                _partial.Add(b);
                if (b == (byte)'\n')
                {
                    var stamp = long.Parse(Encoding.ASCII.GetString([.. _partial.GetRange(0, 19)]), CultureInfo.InvariantCulture);
                    _ms.Add((now - stamp) / 1e6);
                    _partial.Clear();
                }
            }
        }

        public (double P50, double P99, double P999) Result(int skip)
        {
            var measured = _ms.Skip(skip).ToList();
            return (Percentiles.Of(measured, 50), Percentiles.Of(measured, 99), Percentiles.Of(measured, 99.9));
        }
    }
}
