using RemoteDev.Supervisor.Tests.Infrastructure;

namespace RemoteDev.Supervisor.Tests;

public sealed class DurableTests
{
    [Fact]
    public async Task Durable_runtime_processes_come_back_after_a_supervisor_restart()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("kept", "sleep 1000") with { Durable = true, Tags = ["t"] });
        await h.AddAsync(SupervisorHarness.Shell("gone", "sleep 1000"));
        await h.WaitForStateAsync("kept", ProcessState.Running);

        await h.RestartSupervisorAsync(stopFirst: true);
        var back = await h.WaitForStateAsync("kept", ProcessState.Running);

        Assert.Equal(("kept", "t"), (string.Join(",", h.Supervisor.List([]).Select(s => s.Name)), string.Join(",", back.Spec.Tags)));
    }

    [Fact]
    public async Task Durable_processes_that_depend_on_each_other_come_back_after_a_supervisor_restart()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("db", "sleep 1000") with { Durable = true });
        await h.AddAsync(SupervisorHarness.Shell("app", "sleep 1000") with { Durable = true, DependsOn = [new ProcessDependency("db", DependencyCondition.Started)] });
        await h.WaitForStateAsync("app", ProcessState.Running);

        await h.RestartSupervisorAsync(stopFirst: true);
        var app = await h.WaitForStateAsync("app", ProcessState.Running);

        Assert.Equal(("app,db", "db"), (string.Join(",", h.Supervisor.List([]).Select(s => s.Name)), app.Spec.DependsOn.OfType<ProcessDependency>().Single().Name));
    }

    [Fact]
    public async Task A_durable_process_that_depends_on_a_configured_one_starts_once_the_configured_set_is_back()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var configured = SupervisorHarness.Shell("db", "sleep 1000");
        await h.Supervisor.ReconcileAsync([configured], CancellationToken.None);
        await h.AddAsync(SupervisorHarness.Shell("app", "sleep 1000") with { Durable = true, DependsOn = [new ProcessDependency("db", DependencyCondition.Started)] });
        await h.WaitForStateAsync("app", ProcessState.Running);

        await h.RestartSupervisorAsync(stopFirst: true);
        var waiting = await h.WaitForStateAsync("app", ProcessState.Pending);
        await h.Supervisor.ReconcileAsync([configured], CancellationToken.None);
        var running = await h.WaitForStateAsync("app", ProcessState.Running);

        Assert.Equal((ProcessState.Pending, ProcessState.Running), (waiting.State, running.State));
    }

    [Fact]
    public async Task An_unless_stopped_process_stopped_on_request_stays_stopped_after_a_restart()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000") with { Durable = true, RestartPolicy = RestartPolicy.UnlessStopped });
        await h.WaitForStateAsync("p", ProcessState.Running);
        await h.Supervisor.StopAsync("p", null, CancellationToken.None);

        await h.RestartSupervisorAsync(stopFirst: true);

        Assert.Equal(ProcessState.Stopped, (await h.WaitForStateAsync("p", ProcessState.Stopped)).State);
    }

    [Fact]
    public async Task Output_offsets_and_epoch_continue_after_a_supervisor_restart()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "echo hello; sleep 1000") with { Durable = true });
        await h.ReadOutputUntilAsync("p", "hello\n");
        var epoch = h.Supervisor.Get("p", false).OutputEpoch;

        await h.RestartSupervisorAsync(stopFirst: true);
        var chunk = (OutputChunk)(await h.Supervisor.SubscribeOutput("p", 6).ReadAsync(CancellationToken.None))!;

        Assert.Equal((6ul, epoch), (chunk.Offset, h.Supervisor.Get("p", false).OutputEpoch));
    }

    [Fact]
    public async Task Removing_a_durable_process_removes_it_from_the_state_file()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000") with { Durable = true });
        await h.Supervisor.RemoveAsync("p", CancellationToken.None);

        await h.RestartSupervisorAsync(stopFirst: true);

        Assert.Empty(h.Supervisor.List([]));
    }

    [Fact]
    public async Task Durable_add_whose_state_file_cannot_be_written_fails_and_leaves_nothing_behind()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var statePath = Path.Combine(h.Options.StateDirectory, "state.json");
        Directory.CreateDirectory(statePath);
        var spec = SupervisorHarness.Shell("kept", "sleep 1000") with { Durable = true };

        await Assert.ThrowsAsync<IOException>(() => h.AddAsync(spec));
        var afterFailure = h.Supervisor.List([]).Select(s => s.Name).ToList();
        var tempFiles = Directory.GetFiles(h.Options.StateDirectory, ".state.json.*");
        Directory.Delete(statePath);
        await h.AddAsync(spec);

        Assert.Empty(afterFailure);
        Assert.Empty(tempFiles);
        await h.WaitForStateAsync("kept", ProcessState.Running);
    }
}
