using System.Security.Cryptography;
using RemoteDev.Agent.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests;

public sealed class OutputResumeTests
{
    private const long FiftyMegabytes = 50L * 1024 * 1024;

    [Fact]
    public async Task Control_plane_killed_mid_50_MB_gets_byte_identical_output_in_order_without_duplicates_after_reconnect()
    {
        await using var link = await LinkHarness.StartAsync(null);
        await link.HelloAsync(1);
        var copy = Path.Combine(link.Agent.Root, "written.bin");
        var writer = Specs.Shell("writer", $"head -c {FiftyMegabytes} /dev/urandom | tee {copy}; exec sleep 600");
        writer.OutputBufferBytes = 64 * 1024 * 1024; // the ring holds everything written while the link is down
        await link.RunAsync(new Command { Add = writer });

        await link.WaitAsync(s => s.Streams.Any(kv => kv.Key.Process == "writer" && kv.Value.End >= 8 * 1024 * 1024), "8 MiB stored");
        await link.Gateway.CrashAsync();
        await link.Gateway.RestartAsync();
        var stored = await link.WaitAsync(s => s.Streams.FirstOrDefault(kv => kv.Key.Process == "writer" && kv.Value.End >= (ulong)FiftyMegabytes).Value, "50 MiB stored");

        var (violations, gaps, bytes) = link.State.Read(_ => (stored.Violations.ToList(), stored.Gaps.Count, stored.Bytes));
        Assert.Empty(violations);
        Assert.Equal(0, gaps);
        Assert.Equal(FiftyMegabytes, bytes.LongLength);
        Assert.Equal(SHA256.HashData(await File.ReadAllBytesAsync(copy)), SHA256.HashData(bytes));
        Assert.True(link.State.Read(s => s.Hellos.Count) >= 2);
    }

    [Fact]
    public async Task Process_removed_and_added_again_goes_on_in_its_offset_space_without_a_gap_or_a_repeat()
    {
        await using var link = await LinkHarness.StartAsync(null);
        await link.HelloAsync(1);
        await link.RunAsync(new Command { Add = Specs.Shell("w", "head -c 10000 /dev/zero | tr '\\0' a; exec sleep 600") });
        await link.WaitAsync(s => s.Streams.Any(kv => kv.Key.Process == "w" && kv.Value.End == 10000), "the first 10000 bytes stored");
        await link.RunAsync(new Command { Remove = new ProcessName { Name = "w" } });

        await link.RunAsync(new Command { Add = Specs.Shell("w", "head -c 5000 /dev/zero | tr '\\0' b; exec sleep 600") });

        var stored = await link.WaitAsync(s => s.Streams.FirstOrDefault(kv => kv.Key.Process == "w" && kv.Value.End == 15000).Value, "15000 bytes stored");
        var (violations, gaps, bytes) = link.State.Read(_ => (stored.Violations.ToList(), stored.Gaps.ToList(), stored.Bytes));
        Assert.Empty(violations);
        Assert.Empty(gaps);
        Assert.Equal(new string('a', 10000) + new string('b', 5000), System.Text.Encoding.ASCII.GetString(bytes));
    }

    [Fact]
    public async Task Link_down_longer_than_the_ring_holds_yields_one_gap_with_the_exact_range()
    {
        await using var link = await LinkHarness.StartAsync(null);
        await link.HelloAsync(1);
        var copy = Path.Combine(link.Agent.Root, "written.bin");
        var go = Path.Combine(link.Agent.Root, "go");
        var writer = Specs.Shell("writer", $"head -c 10000 /dev/urandom | tee {copy}; while [ ! -e {go} ]; do sleep 0.05; done; head -c 1000000 /dev/urandom | tee -a {copy}; head -c 20000 /dev/urandom | tee -a {copy}; exec sleep 600");
        writer.OutputBufferBytes = 64 * 1024;
        await link.RunAsync(new Command { Add = writer });
        await link.WaitAsync(s => s.Streams.Any(kv => kv.Key.Process == "writer" && kv.Value.End == 10000), "the first 10000 bytes stored");

        await link.Gateway.CrashAsync();
        await File.WriteAllTextAsync(go, "");
        await WaitForFileLengthAsync(copy, 1_030_000);
        await link.Gateway.RestartAsync();
        var stored = await link.WaitAsync(s => s.Streams.FirstOrDefault(kv => kv.Key.Process == "writer" && kv.Value.End == 1_030_000).Value, "all offsets accounted for");

        var (violations, gaps, bytes) = link.State.Read(_ => (stored.Violations.ToList(), stored.Gaps.ToList(), stored.Bytes));
        var written = await File.ReadAllBytesAsync(copy);
        var gap = Assert.Single(gaps);
        Assert.Empty(violations);
        Assert.Equal(10000UL, gap.Offset);
        Assert.Equal(written[..10000].Concat(written[(int)(gap.Offset + gap.Length)..]), bytes);
    }

    [Fact]
    public async Task Process_keeps_running_with_the_same_pid_across_a_control_plane_outage()
    {
        await using var link = await LinkHarness.StartAsync(Specs.File(Specs.Shell("server", "exec sleep 600")));
        await link.HelloAsync(1);
        var before = await link.StatusAsync("server", ProcessState.Running);

        await link.Gateway.CrashAsync();
        await link.Gateway.RestartAsync();
        var hello = await link.HelloAsync(2);

        var after = hello.Processes.Single(p => p.Name == "server");
        Assert.Equal(ProcessState.Running, after.State);
        Assert.Equal(before.Pid, after.Pid);
    }

    [Fact]
    public async Task A_hung_control_plane_is_detected_within_five_heartbeats_and_the_agent_reconnects()
    {
        await using var link = await LinkHarness.StartAsync(null);
        await link.HelloAsync(1);

        link.State.Update(s => s.Silent = true);
        await link.HelloAsync(2);

        Assert.Contains("no message from the control plane for", link.Agent.Log);
    }

    private static async Task WaitForFileLengthAsync(string path, long length)
    {
        using var timeout = new CancellationTokenSource(AgentProcess.Patience);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path)) { EnableRaisingEvents = true };
        var changed = new SemaphoreSlim(0);
        watcher.Changed += (_, _) => changed.Release();
        while (new FileInfo(path).Length < length)
        {
            await changed.WaitAsync(TimeSpan.FromMilliseconds(200), timeout.Token);
        }
    }
}
