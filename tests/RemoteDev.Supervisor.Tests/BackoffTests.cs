using RemoteDev.Supervisor.Tests.Infrastructure;
using RemoteDev.Testing;

namespace RemoteDev.Supervisor.Tests;

public sealed class BackoffTests
{
    [Fact]
    public async Task A_fixed_backoff_restarts_only_after_the_delay()
    {
        var time = new ManualTimeProvider();
        await using var h = await SupervisorHarness.StartAsync(time);
        await h.AddAsync(SupervisorHarness.Shell("p", "exit 1") with { Backoff = new FixedBackoff(TimeSpan.FromSeconds(3)) });
        await h.NextStateAsync("p", ProcessState.Backoff);

        time.Advance(TimeSpan.FromSeconds(2.9));
        var stillWaiting = h.Supervisor.Get("p", includeEnv: false).State;
        time.Advance(TimeSpan.FromSeconds(0.1));
        var restarted = await h.NextStateAsync("p", ProcessState.Running);

        Assert.Equal((ProcessState.Backoff, 1u), (stillWaiting, restarted.RestartCount));
    }

    [Fact]
    public async Task The_default_backoff_is_one_second()
    {
        var time = new ManualTimeProvider();
        await using var h = await SupervisorHarness.StartAsync(time);
        await h.AddAsync(SupervisorHarness.Shell("p", "exit 1"));

        var backoff = await h.NextStateAsync("p", ProcessState.Backoff);

        Assert.Equal("exit code 1; restart in 1000 ms", backoff.Reason);
    }

    [Fact]
    public async Task An_exponential_backoff_doubles_up_to_its_cap()
    {
        var time = new ManualTimeProvider();
        await using var h = await SupervisorHarness.StartAsync(time);
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(100), 2, TimeSpan.FromMilliseconds(350));
        await h.AddAsync(SupervisorHarness.Shell("p", "exit 1") with { Backoff = backoff, CrashLoop = new CrashLoopSpec(0, TimeSpan.Zero, TimeSpan.Zero) });
        var reasons = new List<string>();

        for (var i = 0; i < 4; i++)
        {
            reasons.Add((await h.NextStateAsync("p", ProcessState.Backoff)).Reason);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(
            ["exit code 1; restart in 100 ms", "exit code 1; restart in 200 ms", "exit code 1; restart in 350 ms", "exit code 1; restart in 350 ms"],
            reasons);
    }

    [Fact]
    public async Task A_run_longer_than_min_uptime_resets_the_backoff()
    {
        var time = new ManualTimeProvider();
        await using var h = await SupervisorHarness.StartAsync(time);
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(100), 2, TimeSpan.FromSeconds(10));
        await h.AddAsync(SupervisorHarness.Shell("p", "read x") with { Backoff = backoff, StdinOpen = true, MinUptime = TimeSpan.FromSeconds(5) });
        await h.NextStateAsync("p", ProcessState.Running);
        await h.Supervisor.CloseStdinAsync("p", CancellationToken.None);
        var first = await h.NextStateAsync("p", ProcessState.Backoff);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await h.NextStateAsync("p", ProcessState.Running);
        await h.Supervisor.CloseStdinAsync("p", CancellationToken.None);
        var second = await h.NextStateAsync("p", ProcessState.Backoff);
        time.Advance(TimeSpan.FromMilliseconds(200));
        await h.NextStateAsync("p", ProcessState.Running);

        time.Advance(TimeSpan.FromSeconds(6));
        await h.Supervisor.CloseStdinAsync("p", CancellationToken.None);
        var afterLongRun = await h.NextStateAsync("p", ProcessState.Backoff);

        Assert.Equal(
            ["exit code 1; restart in 100 ms", "exit code 1; restart in 200 ms", "exit code 1; restart in 100 ms"],
            [first.Reason, second.Reason, afterLongRun.Reason]);
    }

    [Fact]
    public async Task A_forced_restart_skips_the_backoff()
    {
        var time = new ManualTimeProvider();
        await using var h = await SupervisorHarness.StartAsync(time);
        await h.AddAsync(SupervisorHarness.Shell("p", "exit 1") with { Backoff = new FixedBackoff(TimeSpan.FromHours(1)) });
        await h.NextStateAsync("p", ProcessState.Backoff);

        await h.Supervisor.RestartAsync("p", force: true, CancellationToken.None);
        var restarted = await h.NextEventAsync(e => e.Process == "p" && e.State == ProcessState.Running);

        Assert.Equal("exit code 1; restart in 3600000 ms", (await h.NextStateAsync("p", ProcessState.Backoff)).Reason);
        Assert.Equal(ProcessState.Running, restarted.State);
    }

    [Fact]
    public async Task A_crash_loop_pauses_the_process_then_resumes_it()
    {
        var time = new ManualTimeProvider();
        await using var h = await SupervisorHarness.StartAsync(time);
        var loop = new CrashLoopSpec(3, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30));
        await h.AddAsync(SupervisorHarness.Shell("p", "exit 1") with { Backoff = new FixedBackoff(TimeSpan.Zero), CrashLoop = loop });

        var paused = await h.NextStateAsync("p", ProcessState.CrashLoop);
        time.Advance(TimeSpan.FromSeconds(29));
        var stillPaused = h.Supervisor.Get("p", includeEnv: false).State;
        time.Advance(TimeSpan.FromSeconds(1));
        var resumed = await h.NextStateAsync("p", ProcessState.Running);

        Assert.Equal((4u, ProcessState.CrashLoop, 4u), (paused.RestartCount, stillPaused, resumed.RestartCount));
    }
}
