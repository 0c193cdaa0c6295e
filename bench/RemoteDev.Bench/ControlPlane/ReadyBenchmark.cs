using System.Diagnostics;
using RemoteDev.V1;

namespace RemoteDev.Bench.ControlPlane;

/// <summary>
/// cp-ready: create-to-READY on the process driver (goal &lt; 500 ms), against the floor of starting the agent binary
/// itself; and control-plane memory per connected idle agent (goal &lt; 100 KiB), measured at growing fleet sizes as
/// the memory each added agent costs: a single figure from a small fleet would charge the one-time costs (code compiled
/// on first use, the GC's allocation budget growing to its cap) to each agent.
/// </summary>
internal sealed class ReadyBenchmark : IBenchmark
{
    private static readonly int[] DefaultFleets = [16, 32, 48, 64, 80, 96, 112];

    public string Name => "cp-ready";

    public string Description => "control plane: create-to-READY time and memory per idle agent, vs the agent binary's own start [fleet sizes; default 16 32 48 64 80 96 112; past 120 agents, raise fs.inotify.max_user_instances (128 by default)]";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var fleets = args.Length > 0 ? args.Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray() : DefaultFleets;
        if (fleets.Length == 0 || fleets[0] < 1 || fleets.Zip(fleets.Skip(1)).Any(p => p.Second <= p.First))
        {
            throw new ArgumentException($"fleet sizes must be positive and increasing: {string.Join(' ', args)}");
        }

        var floor = await AgentStartFloorAsync(cancellationToken);
        await using var cp = await BenchControlPlane.StartAsync();
        await WarmUpAsync(cp, cancellationToken);
        var times = new List<double>();
        var memory = new List<(int Fleet, ResidentMemory Memory)>();
        foreach (var fleet in fleets)
        {
            await CreateAsync(cp, fleet - times.Count, times, cancellationToken);
            await Task.Delay(5000, cancellationToken);
            memory.Add((fleet, cp.Memory()));
        }

        var p50 = Percentiles.Of(times, 50);
        Console.WriteLine($"cp-ready: create-to-READY over {times.Count} sandboxes: p50 {p50:F0} ms, max {times.Max():F0} ms (goal < 500 ms: {(p50 < 500 ? "met" : "missed")})");
        Console.WriteLine($"cp-ready: baseline: agent binary start-to-exit {floor:F0} ms; READY/baseline = {p50 / floor:F2}x");
        Console.WriteLine("cp-ready: control-plane memory with idle agents (private: heaps, stacks, JIT code; resident adds the runtime's and assemblies' code mapped from disk, shared and reclaimable)");
        Console.WriteLine("    agents   private MiB   resident MiB   per added agent: private KiB   resident KiB");
        for (var i = 0; i < memory.Count; i++)
        {
            var (fleet, now) = memory[i];
            var added = i == 0 ? "" : $"{PerAgent(memory[i - 1], memory[i], m => m.Private),30:F0} {PerAgent(memory[i - 1], memory[i], m => m.Total),14:F0}";
            Console.WriteLine($"    {fleet,6} {now.Private / 1048576.0,13:F1} {now.Total / 1048576.0,14:F1}   {added}");
        }

        if (memory.Count > 1)
        {
            // The GC commits memory in steps, so one step between two fleets ranges from nothing to twice the cost:
            // the slope fitted through every fleet is the cost of one more agent.
            var perAgent = Slope(memory.Select(m => ((double)m.Fleet, (double)m.Memory.Private)).ToList()) / 1024;
            Console.WriteLine($"cp-ready: an added agent costs {perAgent:F0} KiB private, least-squares slope over {memory[0].Fleet} to {memory[^1].Fleet} agents (goal < 100 KiB: {(perAgent < 100 ? "met" : "missed")})");
        }
    }

    private static double Slope(List<(double X, double Y)> points)
    {
        var (meanX, meanY) = (points.Average(p => p.X), points.Average(p => p.Y));
        return points.Sum(p => (p.X - meanX) * (p.Y - meanY)) / points.Sum(p => (p.X - meanX) * (p.X - meanX));
    }

    private static double PerAgent((int Fleet, ResidentMemory Memory) from, (int Fleet, ResidentMemory Memory) to, Func<ResidentMemory, long> part) =>
        (part(to.Memory) - part(from.Memory)) / (double)(to.Fleet - from.Fleet) / 1024;

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
