using RemoteDev.Supervisor.Tests.Infrastructure;

namespace RemoteDev.Supervisor.Tests;

public sealed class DependencyTests
{
    [Fact]
    public async Task A_process_waits_pending_until_its_dependency_completes()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(new ProcessSpec { Name = "setup", Command = "cat", StdinOpen = true, RestartPolicy = RestartPolicy.Never });
        await h.AddAsync(SupervisorHarness.Shell("app", "sleep 1000") with { DependsOn = [new ProcessDependency("setup", DependencyCondition.Completed)] });
        var pending = await h.WaitForStateAsync("app", ProcessState.Pending);

        await h.Supervisor.CloseStdinAsync("setup", CancellationToken.None);
        var running = await h.WaitForStateAsync("app", ProcessState.Running);

        Assert.Equal((ProcessState.Pending, ProcessState.Exited), (pending.State, h.Supervisor.Get("setup", false).State));
        Assert.NotNull(running.Pid);
    }

    [Fact]
    public async Task A_process_starts_once_its_dependency_is_healthy()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var health = new HealthCheckSpec { Probe = new LogProbe("^listening on \\d+$") };
        await h.AddAsync(new ProcessSpec { Name = "db", Command = "cat", StdinOpen = true, HealthCheck = health });
        await h.AddAsync(SupervisorHarness.Shell("app", "sleep 1000") with { DependsOn = [new ProcessDependency("db", DependencyCondition.Healthy)] });
        await h.WaitForStateAsync("app", ProcessState.Pending);

        await h.Supervisor.WriteStdinAsync("db", "listening on 5432\n"u8.ToArray(), CancellationToken.None);
        await h.WaitForStateAsync("app", ProcessState.Running);

        Assert.Equal(HealthStatus.Healthy, h.Supervisor.Get("db", false).Health);
    }

    [Fact]
    public async Task A_sentinel_file_dependency_starts_the_process_when_the_file_appears()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var sentinel = Path.Combine(h.Root, "ready");
        await h.AddAsync(SupervisorHarness.Shell("app", "sleep 1000") with { DependsOn = [new FileDependency(sentinel, TimeSpan.FromMinutes(1))] });
        await h.WaitForStateAsync("app", ProcessState.Pending);

        File.WriteAllText(sentinel, string.Empty);

        Assert.Equal(ProcessState.Running, (await h.WaitForStateAsync("app", ProcessState.Running)).State);
    }

    [Fact]
    public async Task A_sentinel_file_that_never_appears_fails_the_process_after_its_timeout()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var sentinel = Path.Combine(h.Root, "never");

        await h.AddAsync(SupervisorHarness.Shell("app", "sleep 1000") with { DependsOn = [new FileDependency(sentinel, TimeSpan.FromMilliseconds(300))] });
        var failed = await h.WaitForStateAsync("app", ProcessState.Failed);

        Assert.Equal($"file '{sentinel}' did not appear within 00:00:00.3000000", failed.Reason);
    }

    [Fact]
    public async Task Reconcile_starts_a_process_listed_before_the_dependency_it_waits_for()
    {
        await using var h = await SupervisorHarness.StartAsync();
        // db's log epoch is a FIFO: registering db blocks on reading it until the test writes, long after app
        // (listed first) would have looked db up had it started before the whole set was registered.
        var logs = Directory.CreateDirectory(Path.Combine(h.Options.StateDirectory, "logs", "db")).FullName;
        File.WriteAllText(Path.Combine(logs, $"{0:D20}.log"), string.Empty);
        var epoch = Path.Combine(logs, "epoch");
        await System.Diagnostics.Process.Start("mkfifo", [epoch]).WaitForExitAsync();
        var app = SupervisorHarness.Shell("app", "sleep 1000") with { DependsOn = [new ProcessDependency("db", DependencyCondition.Started)] };

        var reconcile = Task.Factory.StartNew(
            () => h.Supervisor.ReconcileAsync([app, SupervisorHarness.Shell("db", "sleep 1000")], CancellationToken.None),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        await File.WriteAllTextAsync(epoch, "0123456789abcdef");
        await reconcile;

        Assert.Equal(ProcessState.Running, (await h.WaitForStateAsync("app", ProcessState.Running)).State);
    }

    [Fact]
    public async Task A_process_waiting_for_a_dependency_that_a_reconcile_removes_fails_naming_it()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.Supervisor.ReconcileAsync([SupervisorHarness.Shell("db", "sleep 1000")], CancellationToken.None);
        await h.AddAsync(SupervisorHarness.Shell("app", "sleep 1000") with { DependsOn = [new ProcessDependency("db", DependencyCondition.Completed)] });
        await h.WaitForStateAsync("app", ProcessState.Pending);

        await h.Supervisor.ReconcileAsync([], CancellationToken.None);

        Assert.Equal("dependency 'db' was removed", (await h.WaitForStateAsync("app", ProcessState.Failed)).Reason);
    }

    [Fact]
    public async Task A_restored_process_whose_configured_dependency_is_no_longer_configured_fails_at_the_first_reconcile()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.Supervisor.ReconcileAsync([SupervisorHarness.Shell("db", "sleep 1000")], CancellationToken.None);
        await h.AddAsync(SupervisorHarness.Shell("app", "sleep 1000") with { Durable = true, DependsOn = [new ProcessDependency("db", DependencyCondition.Started)] });
        await h.WaitForStateAsync("app", ProcessState.Running);
        await h.RestartSupervisorAsync(stopFirst: true);
        await h.WaitForStateAsync("app", ProcessState.Pending);
        await Task.Delay(TimeSpan.FromMilliseconds(200)); // the wait for db is under way, as after a real restart

        await h.Supervisor.ReconcileAsync([], CancellationToken.None);

        Assert.Equal("dependency 'db' was removed", (await h.WaitForStateAsync("app", ProcessState.Failed)).Reason);
    }
}
