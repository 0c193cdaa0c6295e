using RemoteDev.Supervisor.Tests.Infrastructure;

namespace RemoteDev.Supervisor.Tests;

/// <summary>
/// A supervisor that died without stopping its children (kill -9 of the agent) leaves them running in their own
/// sessions. Started again over the same state directory, it stops them first, gracefully, with their groups, so no
/// process runs twice; children of other supervisors are never touched. Here the first supervisor is simply left
/// alone (never shut down) while a second one starts over its folders.
/// </summary>
public sealed class LeftoverTests
{
    private static ProcessSpec Once(string name, string script) =>
        SupervisorHarness.Shell(name, script) with { RestartPolicy = RestartPolicy.Never };

    [Fact]
    public async Task Processes_left_running_by_a_supervisor_that_died_are_stopped_with_their_groups_when_it_starts_again()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var stopped = Path.Combine(h.Root, "stopped");
        await h.AddAsync(Once("server", $"trap 'echo SIGTERM > {stopped}; kill $child; exit 0' TERM; sleep 600 & child=$!; echo $child; wait"));
        var leader = (await h.WaitForStateAsync("server", ProcessState.Running)).Pid!.Value;
        var grandchild = int.Parse((await h.ReadOutputUntilAsync("server", "\n")).Trim());

        await using var dead = h.Supervisor;
        await h.RestartSupervisorAsync(stopFirst: false);

        Assert.True(await ProcFs.WaitForExitAsync(leader));
        Assert.True(await ProcFs.WaitForExitAsync(grandchild));
        Assert.Equal("SIGTERM\n", await File.ReadAllTextAsync(stopped));
    }

    [Fact]
    public async Task A_leftover_that_ignores_SIGTERM_is_killed()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(Once("stubborn", "trap '' TERM; echo ready; while true; do sleep 1; done"));
        var leader = (await h.WaitForStateAsync("stubborn", ProcessState.Running)).Pid!.Value;
        await h.ReadOutputUntilAsync("stubborn", "ready\n");

        await using var dead = h.Supervisor;
        await h.RestartSupervisorAsync(stopFirst: false);

        Assert.True(await ProcFs.WaitForExitAsync(leader));
    }

    [Fact]
    public async Task Starting_a_supervisor_never_stops_processes_of_another_state_directory()
    {
        await using var other = await SupervisorHarness.StartAsync();
        await other.AddAsync(Once("theirs", "sleep 600"));
        var theirs = (await other.WaitForStateAsync("theirs", ProcessState.Running)).Pid!.Value;
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(Once("ours", "sleep 600"));
        await h.WaitForStateAsync("ours", ProcessState.Running);

        await using var dead = h.Supervisor;
        await h.RestartSupervisorAsync(stopFirst: false);

        Assert.True(File.Exists($"/proc/{theirs}/stat"));
        Assert.Equal(ProcessState.Running, other.Supervisor.Get("theirs", false).State);
    }
}
