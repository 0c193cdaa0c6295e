using System.Diagnostics;
using System.Globalization;
using System.Text;
using RemoteDev.Supervisor;
using static RemoteDev.Bench.Supervisor.ProcFs;

namespace RemoteDev.Bench.Supervisor;

/// <summary>
/// RemoteDev's supervisor side by side with supervisord and a plain shell: memory with 50 children, start of 50,
/// restart after kill -9, 1 GiB bulk and 1 GiB of 100-byte lines through output handling, env-file reload.
/// Optional args: a subset of "memory start restart bulk lines env".
/// </summary>
internal sealed class SupervisorBenchmark : IBenchmark
{
    private const int Children = 50;
    private const int RestartRounds = 15;
    private const int WarmRounds = 10;
    private const int WarmUpRounds = 3;
    public const long GiB = 1L << 30;
    public static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    public string Name => "supervisor";

    public string Description => "supervisor vs supervisord vs shell: memory, start, restart, output, env reload";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var parts = args.Length > 0 ? args.ToHashSet() : ["memory", "start", "restart", "bulk", "lines", "env"];
        if (parts.Contains("memory"))
        {
            await MemoryAsync();
        }

        if (parts.Contains("start"))
        {
            await StartAsync();
        }

        if (parts.Contains("restart"))
        {
            await RestartAsync();
        }

        foreach (var withReader in new[] { false, true })
        {
            if (parts.Contains("bulk"))
            {
                await SupervisorOutputBench.RunAsync("bulk", $"head -c {GiB} /dev/zero", withReader);
            }

            if (parts.Contains("lines") && !withReader)
            {
                await SupervisorOutputBench.RunAsync("lines", $"perl -e '$|=1; my $l = (\"x\" x 99) . \"\\n\"; print $l for 1..{GiB / 100}; print \"x\" x {GiB % 100}'", withReader);
            }
        }

        if (parts.Contains("bulk-ours-only"))
        {
            Console.WriteLine((await SupervisorOutputBench.OursAsync($"head -c {GiB} /dev/zero", withReader: parts.Contains("reader"))).Time);
        }

        if (parts.Contains("env"))
        {
            await EnvReloadAsync();
        }
    }

    public static void Report(string metric, string ours, string baseline, string ratio) =>
        Console.WriteLine($"{metric,-34} ours {ours,-14} {baseline,-34} {ratio}");

    private static async Task MemoryAsync()
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self, ["supervisor-host", Children.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        info.Environment["DOTNET_gcConcurrent"] = "0";
        using var host = Process.Start(info)!;
        await host.StandardOutput.ReadLineAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        var ours = RssBytes(host.Id);
        var oursPrivate = PrivateBytes(host.Id);
        host.StandardInput.Close();
        await host.WaitForExitAsync();

        await using var supervisord = Supervisord.Start(Enumerable.Range(0, Children).Select(i => ($"sleep{i}", "sleep 1000", true)));
        await PollUntilAsync(() => ProcFs.Children(supervisord.Pid).Count == Children, Long);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var theirs = RssBytes(supervisord.Pid);
        var theirsPrivate = PrivateBytes(supervisord.Pid);
        var (agent, agentPrivate) = await ShippedAgentMemoryAsync();
        Report("memory, 50 children (RSS)", Mb(ours), $"supervisord {Mb(theirs)}", $"{ours / (double)theirs:0.00}x of supervisord");
        Report("memory, 50 children (private)", Mb(oursPrivate), $"supervisord {Mb(theirsPrivate)}", $"{oursPrivate / (double)theirsPrivate:0.00}x of supervisord");
        Report("  shipped agent, connected (RSS)", Mb(agent), $"supervisord {Mb(theirs)}", $"{agent / (double)theirs:0.00}x of supervisord");
        Report("  shipped agent (private)", Mb(agentPrivate), $"supervisord {Mb(theirsPrivate)}", $"{agentPrivate / (double)theirsPrivate:0.00}x of supervisord");
    }

    /// <summary>The supervisor as it ships: the published agent, linked to a gateway, running the same 50 sleepers.</summary>
    private static async Task<(long Rss, long Private)> ShippedAgentMemoryAsync()
    {
        var root = Directory.CreateTempSubdirectory("rd-sup-agent-").FullName;
        await using var gateway = new Agent.BenchGateway();
        await gateway.StartAsync();
        var file = SleepersProcessFile();
        long rss, privateBytes;
        await using (var agent = Agent.BenchAgent.Start(gateway.Url, root, file))
        {
            await PollUntilAsync(() => ProcFs.Children(agent.Pid).Count == Children, Long);
            await Task.Delay(TimeSpan.FromSeconds(2));
            rss = RssBytes(agent.Pid);
            privateBytes = PrivateBytes(agent.Pid);
        }

        Directory.Delete(root, recursive: true);
        return (rss, privateBytes);
    }

    /// <summary>The agent's process file for the same 50 sleepers the other supervisors run.</summary>
    private static string SleepersProcessFile()
    {
        var sleepers = Enumerable.Range(0, Children).Select(i => new V1.ProcessSpec { Name = $"sleep{i}", Command = "sleep", Args = { "1000" } });
        return "[" + string.Join(",", sleepers.Select(s => Google.Protobuf.JsonFormatter.Default.Format(s))) + "]";
    }

    private static async Task StartAsync()
    {
        var shellTimes = new List<TimeSpan>();
        for (var i = 0; i < WarmRounds; i++)
        {
            using var shell = StartShell($"for i in $(seq {Children}); do sleep 1000 & done; wait");
            shellTimes.Add(await PollUntilAsync(() => ProcFs.Children(shell.Id).Count == Children, Long));
            shell.Kill(entireProcessTree: true);
        }

        var cold = await StartOursAsync();

        // Tier-1 JIT of the hot paths finishes during the first starts after the cold one.
        for (var i = 0; i < WarmUpRounds; i++)
        {
            await StartOursAsync();
        }

        var warmTimes = new List<TimeSpan>();
        for (var i = 0; i < WarmRounds; i++)
        {
            warmTimes.Add(await StartOursAsync());
        }

        var supervisordWatch = Stopwatch.StartNew();
        await using var supervisord = Supervisord.Start(Enumerable.Range(0, Children).Select(i => ($"sleep{i}", "sleep 1000", true)));
        await PollUntilAsync(() => ProcFs.Children(supervisord.Pid).Count == Children, Long);
        var theirTime = supervisordWatch.Elapsed;
        var (shellTime, warm) = (Median(shellTimes), Median(warmTimes));
        Report("start 50, cold (JIT in the path)", Ms(cold), $"shell {Ms(shellTime)} (median of {WarmRounds})", $"{cold / shellTime:0.00}x of shell");
        Report($"start 50, warm ({WarmUpRounds} + median of {WarmRounds})", Ms(warm), $"supervisord from launch {Ms(theirTime)}", $"{warm / shellTime:0.00}x of shell");

        var (agentLaunch, shellLaunch) = await FromLaunchAsync();
        Report("start 50 from launch (median of 5)", Ms(agentLaunch), $"shell from launch {Ms(shellLaunch)}", $"{agentLaunch / shellLaunch:0.00}x of shell");
    }

    /// <summary>
    /// The shipped agent (ReadyToRun, runtime start included) from its launch to 50 running children, against a shell
    /// from its launch to the same 50; both timed the same way (stopwatch before the launch, /proc polled every ms).
    /// </summary>
    private static async Task<(TimeSpan Agent, TimeSpan Shell)> FromLaunchAsync()
    {
        const int Rounds = 5;
        await using var gateway = new Agent.BenchGateway();
        await gateway.StartAsync();
        var file = SleepersProcessFile();
        var agentTimes = new List<TimeSpan>();
        var shellTimes = new List<TimeSpan>();
        for (var round = 0; round < Rounds; round++)
        {
            var root = Directory.CreateTempSubdirectory("rd-sup-launch-").FullName;
            var watch = Stopwatch.StartNew();
            await using (var agent = Agent.BenchAgent.Start(gateway.Url, root, file))
            {
                await PollUntilAsync(() => ProcFs.Children(agent.Pid).Count == Children, Long);
                agentTimes.Add(watch.Elapsed);
            }

            Directory.Delete(root, recursive: true);
            watch.Restart();
            using var shell = StartShell($"for i in $(seq {Children}); do sleep 1000 & done; wait");
            await PollUntilAsync(() => ProcFs.Children(shell.Id).Count == Children, Long);
            shellTimes.Add(watch.Elapsed);
            shell.Kill(entireProcessTree: true);
        }

        return (Median(agentTimes), Median(shellTimes));
    }

    private static async Task<TimeSpan> StartOursAsync()
    {
        await using var ours = await Ours.StartAsync();
        var watch = Stopwatch.StartNew();
        await ours.Supervisor.ReconcileAsync(Ours.Sleepers(Children), CancellationToken.None);
        await PollUntilAsync(() => ours.Supervisor.List([]).All(s => s.State == ProcessState.Running), Long);
        return watch.Elapsed;
    }

    private static async Task RestartAsync()
    {
        using var shell = StartShell("while true; do sleep 1000; done");
        await PollUntilAsync(() => ProcFs.Children(shell.Id).Count == 1, Long);
        var shellTimes = new List<TimeSpan>();
        for (var i = 0; i < RestartRounds; i++)
        {
            var old = ProcFs.Children(shell.Id).Single();
            var watch = Stopwatch.StartNew();
            Kill9(old);
            await PollUntilAsync(() => ProcFs.Children(shell.Id) is { Count: 1 } c && !c.Contains(old), Long);
            shellTimes.Add(watch.Elapsed);
        }

        shell.Kill(entireProcessTree: true);

        await using var ours = await Ours.StartAsync();
        await ours.Supervisor.AddAsync(Ours.Sleeper(0) with
        {
            Backoff = new FixedBackoff(TimeSpan.Zero),
            CrashLoop = new CrashLoopSpec(0, TimeSpan.Zero, TimeSpan.Zero),
        }, CancellationToken.None);
        await ours.Supervisor.WaitForStateAsync("sleep0", ProcessState.Running, Long, CancellationToken.None);
        var ourTimes = new List<TimeSpan>();
        using var events = ours.Supervisor.SubscribeEvents();
        for (var i = 0; i < RestartRounds; i++)
        {
            var old = ours.Supervisor.Get("sleep0", includeEnv: false).Pid!.Value;
            var watch = Stopwatch.StartNew();
            Kill9(old);
            while (await events.ReadAsync(CancellationToken.None) is not { State: ProcessState.Running } running || running.Pid == old)
            {
            }

            ourTimes.Add(watch.Elapsed);
        }

        await using var supervisord = Supervisord.Start([("victim", "sleep 1000", true)]);
        await PollUntilAsync(() => ProcFs.Children(supervisord.Pid).Count == 1, Long);
        var theirTimes = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var old = ProcFs.Children(supervisord.Pid).Single();
            var watch = Stopwatch.StartNew();
            Kill9(old);
            await PollUntilAsync(() => ProcFs.Children(supervisord.Pid) is { Count: 1 } c && !c.Contains(old), Long);
            theirTimes.Add(watch.Elapsed);
        }

        Report("restart after kill -9 (median)", Ms(Median(ourTimes)), $"shell {Ms(Median(shellTimes))}, supervisord {Ms(Median(theirTimes))}",
            $"{Median(ourTimes) / Median(shellTimes):0.00}x of shell");
    }

    private static async Task EnvReloadAsync()
    {
        await using var ours = await Ours.StartAsync();
        var envFile = Path.Combine(ours.EnvDirectory, ".env");
        File.WriteAllText(envFile, "V=0\n");
        await ours.Supervisor.AddAsync(new ProcessSpec
        {
            Name = "env",
            Command = "/bin/sh",
            Args = ["-c", "echo \"V=$V.\"; exec sleep 1000"],
            EnvReload = new EnvReloadAfter(TimeSpan.Zero),
        }, CancellationToken.None);
        var reader = ours.Supervisor.SubscribeOutput("env", 0);
        var seen = new StringBuilder();
        var times = new List<TimeSpan>();
        for (var i = 1; i <= 15; i++)
        {
            var watch = Stopwatch.StartNew();
            File.WriteAllText(envFile, $"V={i}\n");
            while (!seen.ToString().Contains($"V={i}.", StringComparison.Ordinal))
            {
                if (await reader.ReadAsync(CancellationToken.None) is OutputChunk chunk)
                {
                    seen.Append(Encoding.UTF8.GetString(chunk.Data.Span));
                }
            }

            times.Add(watch.Elapsed);
        }

        Report("env edit to new value running (median)", Ms(Median(times)), "pidnap 14 ms (reported)", $"{Median(times).TotalMilliseconds / 15:0.00}x of the 15 ms goal");
    }
}
