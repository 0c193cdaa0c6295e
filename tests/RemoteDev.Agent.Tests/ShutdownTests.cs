using Google.Protobuf.WellKnownTypes;
using RemoteDev.Agent.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Sigterm_reports_shutting_down_stops_dependents_first_reports_off_and_exits_0()
    {
        var db = Specs.Shell("db", "exec sleep 600", required: true);
        var web = Specs.Shell("web", "exec sleep 600", required: true);
        web.DependsOn.Add(new Dependency { Process = new ProcessDependency { Name = "db" } });
        await using var link = await LinkHarness.StartAsync(Specs.File(db, web));
        await link.WaitAsync(s => s.Lifecycle.Any(l => l.State == AgentLifecycle.Ready), "READY");

        link.Agent.Terminate();
        var exitCode = await link.Agent.WaitForExitAsync();

        var arrivals = link.State.Read(s => s.Arrivals.ToList());
        Assert.Equal(0, exitCode);
        Assert.Equal(
            ["lifecycle ShuttingDown", "event web Stopped", "event db Stopped", "lifecycle Off"],
            arrivals.SkipWhile(a => a != "lifecycle ShuttingDown").Where(a => a.StartsWith("lifecycle ", StringComparison.Ordinal) || a.EndsWith(" Stopped", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Shutdown_command_answers_ok_then_stops_the_agent()
    {
        await using var link = await LinkHarness.StartAsync(Specs.File(Specs.Shell("lone", "exec sleep 600")));
        await link.HelloAsync(1);

        var result = await link.RunAsync(new Command { Shutdown = new Shutdown { Grace = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) } });
        var exitCode = await link.Agent.WaitForExitAsync();

        Assert.Equal(0, result.Code);
        Assert.Equal(0, exitCode);
        Assert.Equal(AgentLifecycle.Off, link.State.Read(s => s.Lifecycle[^1].State));
    }

    [Fact]
    public async Task Shutdown_grace_cuts_a_process_own_stop_grace_short_with_SIGKILL()
    {
        var stubborn = Specs.Shell("stubborn", "trap '' TERM; while :; do sleep 0.1; done");
        stubborn.StopGrace = Duration.FromTimeSpan(TimeSpan.FromMinutes(10));
        await using var link = await LinkHarness.StartAsync(Specs.File(stubborn));
        await link.WaitAsync(s => s.Events.Any(e => e.Process == "stubborn" && e.State == ProcessState.Running), "stubborn running");

        var result = await link.RunAsync(new Command { Shutdown = new Shutdown { Grace = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)) } });
        var exitCode = await link.Agent.WaitForExitAsync();

        Assert.Equal(0, result.Code);
        Assert.Equal(0, exitCode);
        Assert.EndsWith("stopping processes within 1 s", link.State.Read(s => s.Lifecycle.Single(l => l.State == AgentLifecycle.ShuttingDown).Reason));
        Assert.Equal("SIGKILL", link.State.Read(s => s.Events.Last(e => e.Process == "stubborn")).Signal);
    }

    [Fact]
    public async Task Shutdown_with_a_negative_grace_is_invalid_and_the_agent_keeps_running()
    {
        await using var link = await LinkHarness.StartAsync(Specs.File(Specs.Shell("lone", "exec sleep 600")));
        await link.HelloAsync(1);

        var result = await link.RunAsync(new Command { Shutdown = new Shutdown { Grace = Duration.FromTimeSpan(TimeSpan.FromSeconds(-1)) } });
        var status = await link.RunAsync(new Command { Get = new GetProcess { Name = "lone" } });

        Assert.Equal((int)Grpc.Core.StatusCode.InvalidArgument, result.Code);
        Assert.Contains("shutdown.grace", result.Message);
        Assert.Equal(ProcessState.Running, status.Process.State);
    }
}
