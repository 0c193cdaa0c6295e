using RemoteDev.Supervisor.Tests.Infrastructure;
using RemoteDev.Testing;

namespace RemoteDev.Supervisor.Tests;

public sealed class StopTests
{
    [Fact]
    public async Task Stop_escalates_to_SIGKILL_for_a_process_that_ignores_SIGTERM()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "trap '' TERM; echo armed; while true; do sleep 0.05; done"));
        await h.ReadOutputUntilAsync("p", "armed");

        var stopped = await h.Supervisor.StopAsync("p", TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.Equal((ProcessState.Stopped, "SIGKILL"), (stopped.State, stopped.Signal));
    }

    [Fact]
    public async Task A_second_stop_with_a_shorter_grace_kills_a_process_that_ignores_SIGTERM_at_the_shorter_grace()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(Stubborn("p"));
        await h.ReadOutputUntilAsync("p", "armed");
        var first = h.Supervisor.StopAsync("p", TimeSpan.FromMinutes(10), CancellationToken.None);
        await h.NextStateAsync("p", ProcessState.Stopping);

        var second = await h.Supervisor.StopAsync("p", TimeSpan.FromMilliseconds(200), CancellationToken.None).WaitAsync(SupervisorHarness.Timeout);

        Assert.Equal((ProcessState.Stopped, "SIGKILL", ProcessState.Stopped), (second.State, second.Signal, (await first).State));
    }

    [Fact]
    public async Task Removing_a_process_that_is_stopping_keeps_the_pending_SIGKILL()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(Stubborn("p") with { StopGrace = TimeSpan.FromMinutes(10) });
        await h.ReadOutputUntilAsync("p", "armed");
        var pid = h.Supervisor.Get("p", false).Pid!.Value;
        _ = h.Supervisor.StopAsync("p", TimeSpan.FromMilliseconds(300), CancellationToken.None);
        await h.NextStateAsync("p", ProcessState.Stopping);

        await h.Supervisor.RemoveAsync("p", CancellationToken.None).WaitAsync(SupervisorHarness.Timeout);

        Assert.True(await ProcFs.WaitForExitAsync(pid));
    }

    [Fact]
    public async Task Shutdown_finishes_within_its_grace_while_a_stop_with_a_longer_grace_is_pending()
    {
        var h = await SupervisorHarness.StartAsync(TimeProvider.System, o => o with { ShutdownGrace = TimeSpan.FromMilliseconds(300) });
        await h.AddAsync(Stubborn("p"));
        await h.ReadOutputUntilAsync("p", "armed");
        var pid = h.Supervisor.Get("p", false).Pid!.Value;
        _ = h.Supervisor.StopAsync("p", TimeSpan.FromMinutes(10), CancellationToken.None);
        await h.NextStateAsync("p", ProcessState.Stopping);

        await h.DisposeAsync().AsTask().WaitAsync(SupervisorHarness.Timeout);

        Assert.True(await ProcFs.WaitForExitAsync(pid));
    }

    [Fact]
    public async Task Stop_sends_the_configured_stop_signal()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "trap 'exit 7' INT; echo armed; while true; do sleep 0.05; done") with { StopSignal = "SIGINT" });
        await h.ReadOutputUntilAsync("p", "armed");

        var stopped = await h.Supervisor.StopAsync("p", null, CancellationToken.None);

        Assert.Equal(7, stopped.ExitCode);
    }

    [Fact]
    public async Task A_grandchild_dies_with_its_group_on_stop()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000 & echo $!; wait"));
        var grandchild = int.Parse((await h.ReadOutputUntilAsync("p", "\n")).Trim());

        await h.Supervisor.StopAsync("p", null, CancellationToken.None);

        Assert.True(await ProcFs.WaitForExitAsync(grandchild));
    }

    [Fact]
    public async Task A_grandchild_that_ignores_SIGTERM_is_killed_when_its_leader_exits()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sh -c 'trap \"\" TERM; echo $$; while true; do sleep 0.05; done' & wait"));
        var grandchild = int.Parse((await h.ReadOutputUntilAsync("p", "\n")).Trim());

        await h.Supervisor.StopAsync("p", TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.True(await ProcFs.WaitForExitAsync(grandchild));
    }

    [Fact]
    public async Task Signal_reaches_the_whole_group()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sh -c 'trap \"echo child-got-usr1\" USR1; echo ready; while true; do sleep 0.05; done' & trap '' USR1; wait"));
        await h.ReadOutputUntilAsync("p", "ready");

        await h.Supervisor.SignalAsync("p", "USR1", CancellationToken.None);
        var output = await h.ReadOutputUntilAsync("p", "child-got-usr1");

        Assert.Contains("child-got-usr1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_of_a_running_process_gives_a_new_pid()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000"));
        var first = await h.WaitForStateAsync("p", ProcessState.Running);

        await h.Supervisor.RestartAsync("p", force: false, CancellationToken.None);
        var restarted = await h.NextEventAsync(e => e.Process == "p" && e.State == ProcessState.Running && e.Pid != first.Pid);

        Assert.NotEqual(first.Pid, restarted.Pid);
    }

    [Fact]
    public async Task Restart_returns_the_status_of_the_new_run()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000"));
        var first = await h.WaitForStateAsync("p", ProcessState.Running);

        var restarted = await h.Supervisor.RestartAsync("p", force: false, CancellationToken.None);

        Assert.Equal(ProcessState.Running, restarted.State);
        Assert.NotEqual(first.Pid, restarted.Pid);
        Assert.True(restarted.Pid > 0);
    }

    [Fact]
    public async Task Shutdown_stops_everything_within_the_grace_and_kills_what_ignores_SIGTERM()
    {
        var h = await SupervisorHarness.StartAsync(TimeProvider.System, o => o with { ShutdownGrace = TimeSpan.FromMilliseconds(500) });
        await h.AddAsync(SupervisorHarness.Shell("stubborn", "trap '' TERM; echo armed; while true; do sleep 0.05; done") with { StopGrace = TimeSpan.FromMinutes(1) });
        await h.AddAsync(SupervisorHarness.Shell("polite", "sleep 1000"));
        var stubborn = (await h.ReadOutputUntilAsync("stubborn", "armed"), h.Supervisor.Get("stubborn", false).Pid!.Value).Item2;
        var polite = (await h.WaitForStateAsync("polite", ProcessState.Running)).Pid!.Value;

        await h.DisposeAsync();

        Assert.Equal((true, true), (await ProcFs.WaitForExitAsync(stubborn), await ProcFs.WaitForExitAsync(polite)));
    }

    [Fact]
    public async Task Shutdown_kills_a_process_that_ignores_SIGTERM_after_its_own_stop_grace_not_the_whole_shutdown_grace()
    {
        var time = new ManualTimeProvider();
        await using var h = await SupervisorHarness.StartAsync(time, o => o with { ShutdownGrace = TimeSpan.FromMinutes(1) });
        await h.AddAsync(SupervisorHarness.Shell("stubborn", "trap '' TERM; echo armed; while true; do sleep 0.05; done") with { StopGrace = TimeSpan.FromSeconds(2) });
        await h.ReadOutputUntilAsync("stubborn", "armed");
        var pid = h.Supervisor.Get("stubborn", false).Pid!.Value;

        var shutdown = h.Supervisor.ShutdownAsync(CancellationToken.None);
        await h.NextStateAsync("stubborn", ProcessState.Stopping);
        // The kill timer is armed as the process enters Stopping; step the clock past 2 s, well short of the 1 minute.
        for (var step = 0; step < 12 && Directory.Exists($"/proc/{pid}"); step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(50);
        }

        Assert.True(await ProcFs.WaitForExitAsync(pid));
        await shutdown;
    }

    [Fact]
    public async Task Shutdown_stops_dependents_before_their_dependencies()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("db", "sleep 1000"));
        await h.AddAsync(SupervisorHarness.Shell("app", "sleep 1000") with { DependsOn = [new ProcessDependency("db", DependencyCondition.Started)] });
        await h.WaitForStateAsync("app", ProcessState.Running);
        var order = new List<string>();
        var collect = Task.Run(async () =>
        {
            while (await h.Events.ReadAsync(CancellationToken.None) is { } e)
            {
                order.Add(e.State == ProcessState.Stopping ? e.Process : string.Empty);
            }
        });

        await h.Supervisor.ShutdownAsync(CancellationToken.None);
        await collect;

        Assert.Equal(["app", "db"], order.Where(n => n.Length > 0));
    }

    private static ProcessSpec Stubborn(string name) =>
        SupervisorHarness.Shell(name, "trap '' TERM; echo armed; while true; do sleep 0.05; done");
}
