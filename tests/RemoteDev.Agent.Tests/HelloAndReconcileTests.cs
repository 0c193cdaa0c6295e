using RemoteDev.Agent.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests;

public sealed class HelloAndReconcileTests
{
    [Fact]
    public async Task Hello_carries_sandbox_id_token_version_lifecycle_and_the_initial_processes()
    {
        await using var link = await LinkHarness.StartAsync(Specs.File(Specs.Shell("web", "exec sleep 600", required: true)));

        var hello = await link.HelloAsync(1);
        var ready = await link.WaitAsync(s => s.Lifecycle.FirstOrDefault(l => l.State == AgentLifecycle.Ready), "READY");

        Assert.Equal(link.State.SandboxId, hello.SandboxId);
        Assert.Equal(LinkHarness.Token, hello.Token);
        Assert.Equal("Bearer " + LinkHarness.Token, link.State.Read(s => s.AuthorizationHeaders[0]));
        Assert.NotEmpty(hello.AgentVersion);
        Assert.Contains("required", ready.Reason);
    }

    [Fact]
    public async Task Ready_reaches_the_control_plane_after_the_initial_processes_are_known_to_it()
    {
        var names = Enumerable.Range(1, 8).Select(i => $"p{i}").ToList();
        await using var link = await LinkHarness.StartAsync(Specs.File([.. names.Select(n => Specs.Shell(n, "exec sleep 600"))]));

        await link.WaitAsync(s => s.Lifecycle.Any(l => l.State == AgentLifecycle.Ready), "READY");

        var (hello, before) = link.State.Read(s => (s.Hellos[0], s.Arrivals.TakeWhile(a => a != "lifecycle Ready").ToList()));
        var unknown = names.Where(n => !hello.Processes.Any(p => p.Name == n) && !before.Any(a => a.StartsWith($"event {n} ", StringComparison.Ordinal))).ToList();
        Assert.True(unknown.Count == 0, $"READY arrived before anything about {string.Join(", ", unknown)}: {string.Join("; ", before)}");
    }

    [Fact]
    public async Task Desired_set_adds_new_reloads_changed_and_removes_absent_but_keeps_initial_processes()
    {
        await using var link = await LinkHarness.StartAsync(Specs.File(Specs.Shell("initial", "exec sleep 600")));
        await link.HelloAsync(1);
        var keep = Specs.Shell("keep", "exec sleep 601");
        var change = Specs.Shell("change", "exec sleep 602");
        var drop = Specs.Shell("drop", "exec sleep 603");
        link.State.Send(Desired(1, keep, change, drop));
        await link.EventAsync("drop", ProcessState.Running);
        var before = await link.EventAsync("change", ProcessState.Running);

        var changed = Specs.Shell("change", "exec sleep 612");
        var added = Specs.Shell("added", "exec sleep 604");
        var after = await link.RunsAgainAfterAsync("change", before.Pid, () =>
        {
            link.State.Send(Desired(2, keep, changed, added));
            return Task.CompletedTask;
        });
        await link.EventAsync("added", ProcessState.Running);
        var removed = await link.WaitAsync(s => s.Events.FirstOrDefault(e => e.Process == "drop" && e.Reason.StartsWith("Removed", StringComparison.Ordinal)), "drop removed");

        var names = (await link.RunAsync(new Command { List = new ListProcesses() })).Processes.Processes.Select(p => p.Name);
        Assert.Equal(["added", "change", "initial", "keep"], names.Order());
        Assert.Equal("exec sleep 612", after.Spec.Args[1]);
        Assert.NotNull(removed);
    }

    private static ControlMessage Desired(ulong generation, params ProcessSpec[] specs)
    {
        var desired = new DesiredSandbox { Generation = generation };
        desired.Processes.Add(specs);
        return new ControlMessage { Desired = desired };
    }
}
