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

        var lifecycle = link.State.Read(s => s.Lifecycle.Select(l => l.State).ToList());
        var stopped = link.State.Read(s => s.Events.Where(e => e.State == ProcessState.Stopped).Select(e => e.Process).ToList());
        Assert.Equal(0, exitCode);
        Assert.Equal([AgentLifecycle.ShuttingDown, AgentLifecycle.Off], lifecycle.SkipWhile(l => l != AgentLifecycle.ShuttingDown));
        Assert.Equal(["web", "db"], stopped);
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
}
