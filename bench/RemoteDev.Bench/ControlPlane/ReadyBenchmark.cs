using System.Diagnostics;
using RemoteDev.V1;

namespace RemoteDev.Bench.ControlPlane;

/// <summary>
/// cp-ready: create-to-READY on the process driver (goal &lt; 500 ms), against the floor of starting the agent binary
/// itself; and control-plane memory per connected idle agent (goal &lt; 100 KiB), as the slope between two fleet
/// sizes, so one-time costs (code compiled on first use, pools warming up) are not charged to each agent.
/// </summary>
internal sealed class ReadyBenchmark : IBenchmark
{
    private const int DefaultFirstFleet = 8;
    private const int DefaultAddedAgents = 16;

    public string Name => "cp-ready";

    public string Description => "control plane: create-to-READY time and memory per idle agent, vs the agent binary's own start [first fleet, added agents; default 8 16; past 120 agents in all, raise fs.inotify.max_user_instances (128 by default)]";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        // Larger fleets spread the one-time costs and the GC's allocation budget (up to 6 MiB of not yet collected
        // garbage at either measurement) over more agents.
        var firstFleet = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : DefaultFirstFleet;
        var addedAgents = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : DefaultAddedAgents;
        var floor = await AgentStartFloorAsync(cancellationToken);
        await using var cp = await BenchControlPlane.StartAsync();
        await WarmUpAsync(cp, cancellationToken);
        var times = new List<double>();
        await CreateAsync(cp, firstFleet, times, cancellationToken);
        await Task.Delay(5000, cancellationToken);
        var rssBefore = cp.RssBytes();
        var threadsBefore = cp.Threads();
        var heapBefore = await cp.MetricAsync("remotedev_managed_heap_bytes", cancellationToken);

        await CreateAsync(cp, addedAgents, times, cancellationToken);
        await Task.Delay(5000, cancellationToken);
        var rssAfter = cp.RssBytes();
        var threadsAfter = cp.Threads();
        var heapAfter = await cp.MetricAsync("remotedev_managed_heap_bytes", cancellationToken);
        var heapPerAgent = (heapAfter - heapBefore) / addedAgents / 1024;
        var perAgent = (rssAfter - rssBefore) / (double)addedAgents / 1024;
        var p50 = Percentiles.Of(times, 50);
        Console.WriteLine($"cp-ready: create-to-READY over {times.Count} sandboxes: p50 {p50:F0} ms, max {times.Max():F0} ms (goal < 500 ms: {(p50 < 500 ? "met" : "missed")})");
        Console.WriteLine($"cp-ready: baseline: agent binary start-to-exit {floor:F0} ms; READY/baseline = {p50 / floor:F2}x");
        Console.WriteLine($"cp-ready: control-plane RSS {rssBefore / 1048576.0:F1} MiB with {firstFleet} idle agents -> {rssAfter / 1048576.0:F1} MiB with {firstFleet + addedAgents}: {perAgent:F0} KiB per added agent (goal < 100 KiB: {(perAgent < 100 ? "met" : "missed")}); threads {threadsBefore} -> {threadsAfter}; managed heap {heapPerAgent:F0} KiB per agent (not collected, an upper bound)");
    }

    private static async Task CreateAsync(BenchControlPlane cp, int count, List<double> times, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            var request = new CreateSandboxRequest { Name = $"ready-{times.Count}", Project = "bench", Spec = new SandboxSpec() };
            var created = await cp.Sandboxes.CreateAsync(request, cancellationToken: cancellationToken);
            await cp.WaitReadyAsync(created.Id, cancellationToken);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
    }

    private static async Task WarmUpAsync(BenchControlPlane cp, CancellationToken cancellationToken)
    {
        var created = await cp.Sandboxes.CreateAsync(new CreateSandboxRequest { Name = "warm-up", Project = "bench", Spec = new SandboxSpec() }, cancellationToken: cancellationToken);
        await cp.WaitReadyAsync(created.Id, cancellationToken);
    }

    /// <summary>The agent binary starting and failing on its missing configuration: the .NET start-up floor of READY.</summary>
    private static async Task<double> AgentStartFloorAsync(CancellationToken cancellationToken)
    {
        var runs = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var start = new ProcessStartInfo(BenchControlPlane.AgentPath) { RedirectStandardError = true, RedirectStandardOutput = true };
            var watch = Stopwatch.StartNew();
            using var agent = Process.Start(start)!;
            await agent.StandardError.ReadToEndAsync(cancellationToken);
            await agent.WaitForExitAsync(cancellationToken);
            runs.Add(watch.Elapsed.TotalMilliseconds);
        }

        return Percentiles.Of(runs, 50);
    }
}
