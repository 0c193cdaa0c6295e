using RemoteDev.Supervisor.Tests.Infrastructure;

namespace RemoteDev.Supervisor.Tests;

public sealed class SupervisorApiTests
{
    [Fact]
    public async Task Reconcile_adds_new_reloads_changed_and_removes_absent_configured_processes()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.Supervisor.ReconcileAsync([SupervisorHarness.Shell("keep", "sleep 1000"), SupervisorHarness.Shell("change", "sleep 1000"), SupervisorHarness.Shell("drop", "sleep 1000")], CancellationToken.None);
        await h.AddAsync(SupervisorHarness.Shell("runtime", "sleep 1000"));

        var result = await h.Supervisor.ReconcileAsync([SupervisorHarness.Shell("keep", "sleep 1000"), SupervisorHarness.Shell("change", "sleep 2000"), SupervisorHarness.Shell("new", "sleep 1000")], CancellationToken.None);

        Assert.Equal(
            ("new", "change", "drop", "keep", "change,keep,new,runtime"),
            (string.Join(",", result.Added), string.Join(",", result.Reloaded), string.Join(",", result.Removed), string.Join(",", result.Unchanged),
                string.Join(",", h.Supervisor.List([]).Select(s => s.Name))));
    }

    [Fact]
    public async Task Event_sequence_numbers_increase_by_one_across_processes()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("a", "exit 0") with { RestartPolicy = RestartPolicy.Never });
        await h.AddAsync(SupervisorHarness.Shell("b", "exit 0") with { RestartPolicy = RestartPolicy.Never });
        await h.WaitForStateAsync("a", ProcessState.Exited);
        await h.WaitForStateAsync("b", ProcessState.Exited);
        var seqs = new List<ulong>();

        for (var i = 0; i < 6; i++)
        {
            seqs.Add((await h.NextEventAsync(_ => true)).Seq);
        }

        Assert.Equal(Enumerable.Range(1, 6).Select(i => (ulong)i), seqs);
    }

    [Fact]
    public async Task A_subscriber_that_falls_behind_is_told_it_lost_events()
    {
        await using var h = await SupervisorHarness.StartAsync(TimeProvider.System, o => o with { EventSubscriberCapacity = 2 });
        using var slow = h.Supervisor.SubscribeEvents();
        await h.AddAsync(SupervisorHarness.Shell("a", "exit 0") with { RestartPolicy = RestartPolicy.Never });
        await h.WaitForStateAsync("a", ProcessState.Exited);

        await slow.ReadAsync(CancellationToken.None);
        await slow.ReadAsync(CancellationToken.None);
        var lost = await Assert.ThrowsAsync<EventsLostException>(() => slow.ReadAsync(CancellationToken.None).AsTask());

        Assert.Equal(2ul, lost.LastSeq);
    }

    [Fact]
    public async Task Wait_for_state_times_out_with_the_log_tail()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "echo still booting; sleep 1000"));
        await h.ReadOutputUntilAsync("p", "booting");

        var result = await h.Supervisor.WaitForStateAsync("p", ProcessState.Exited, TimeSpan.FromMilliseconds(100), CancellationToken.None);

        Assert.Equal((false, ProcessState.Running, "still booting\n"), (result.Reached, result.Status.State, result.LogTail));
    }

    [Fact]
    public async Task Resource_usage_sums_cpu_and_memory_over_the_process_group()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000 & sleep 1000 & echo started; wait"));
        await h.ReadOutputUntilAsync("p", "started");

        var usage = h.Supervisor.GetResourceUsage("p");

        Assert.Equal(3, usage.ProcessCount);
        Assert.InRange(usage.MemoryBytes, 1ul, 1ul << 30);
    }

    [Fact]
    public async Task Operations_on_an_unknown_name_throw_process_not_found()
    {
        await using var h = await SupervisorHarness.StartAsync();

        var error = await Assert.ThrowsAsync<ProcessNotFoundException>(() => h.Supervisor.StopAsync("nope", null, CancellationToken.None));

        Assert.Equal("nope", error.Name);
    }

    [Fact]
    public async Task Removing_a_dependency_of_another_process_is_rejected()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("db", "sleep 1000"));
        await h.AddAsync(SupervisorHarness.Shell("app", "sleep 1000") with { DependsOn = [new ProcessDependency("db", DependencyCondition.Started)] });

        var error = await Assert.ThrowsAsync<SpecValidationException>(() => h.Supervisor.RemoveAsync("db", CancellationToken.None));

        Assert.Equal(["'db' is a dependency of 'app'"], error.Problems);
    }

    [Fact]
    public async Task Reload_with_restart_now_runs_the_new_spec()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "echo v1; sleep 1000"));
        await h.ReadOutputUntilAsync("p", "v1");

        await h.Supervisor.ReloadAsync(SupervisorHarness.Shell("p", "echo v2; sleep 1000"), restartNow: true, CancellationToken.None);
        var output = await h.ReadOutputUntilAsync("p", "v2");

        Assert.Equal("v1\nv2\n", output);
    }

    [Fact]
    public async Task Reconcile_whose_log_folder_cannot_be_made_adds_none_of_the_set_and_a_retry_starts_all_of_it()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var set = new[] { SupervisorHarness.Shell("a", "sleep 1000"), SupervisorHarness.Shell("b", "sleep 1000"), SupervisorHarness.Shell("c", "sleep 1000") };
        var blocker = Path.Combine(h.Options.StateDirectory, "logs", "c");
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        File.WriteAllText(blocker, "a file where c's log folder goes");

        await Assert.ThrowsAsync<IOException>(() => h.Supervisor.ReconcileAsync(set, CancellationToken.None));
        var afterFailure = h.Supervisor.List([]).Select(s => s.Name).ToList();
        File.Delete(blocker);
        await h.Supervisor.ReconcileAsync(set, CancellationToken.None);

        Assert.Empty(afterFailure);
        foreach (var name in new[] { "a", "b", "c" })
        {
            await h.WaitForStateAsync(name, ProcessState.Running);
        }
    }
}
