using RemoteDev.ControlPlane.Drivers.Process;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>The reconciler converges the process driver and the agent toward desired state and reports phases.</summary>
public abstract class ReconcilerTests(ControlPlaneFixture cp)
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    [Fact]
    public async Task Killed_agent_is_started_again_and_the_sandbox_returns_to_ready()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("reconcile", Specs.Shell("idle", "sleep 600")));
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
        var first = AgentProbe.AgentPid(cp.Config, sandbox.Id);

        Posix.SignalGroup(first, Posix.SigKill);

        await AgentProbe.NewAgentAsync(cp.Config, sandbox.Id, first);
        var ready = await Waits.UntilAsync(
            () => cp.Admin.Sandboxes.GetAsync(new GetSandboxRequest { Id = sandbox.Id }).ResponseAsync,
            s => s.Status is { Phase: SandboxPhase.Ready, AgentConnected: true },
            "ready with a connected agent");
        Assert.Equal("idle", Assert.Single(ready.Status.Processes).Name);
    }

    [Fact]
    public async Task Agent_started_again_long_after_creation_has_its_full_readiness_timeout()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.IdleWithReadinessTimeout("reconcile", TimeSpan.FromSeconds(3)));
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
        // The sandbox is now older than its readiness timeout; a restart must not count its age against it.
        await Task.Delay(TimeSpan.FromSeconds(4));
        var first = AgentProbe.AgentPid(cp.Config, sandbox.Id);

        Posix.SignalGroup(first, Posix.SigKill);

        await AgentProbe.NewAgentAsync(cp.Config, sandbox.Id, first);
        var settled = await Waits.ReadyOrFailedAsync(cp.Admin, sandbox.Id);
        Assert.True(settled.Status.Phase == SandboxPhase.Ready, $"{settled.Status.Phase}: {settled.Status.Reason}");
    }

    [Fact]
    public async Task Silent_agent_makes_the_sandbox_lost_until_it_speaks_again()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("reconcile"));
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
        var agent = AgentProbe.AgentPid(cp.Config, sandbox.Id);

        Posix.SignalGroup(agent, SigStop);
        var lost = await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Lost);
        Posix.SignalGroup(agent, SigCont);

        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
        Assert.False(lost.Status.AgentConnected);
    }

    [Fact]
    public async Task Lost_sandbox_whose_agent_then_dies_is_started_again_and_ready()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("reconcile"));
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
        var agent = AgentProbe.AgentPid(cp.Config, sandbox.Id);
        Posix.SignalGroup(agent, SigStop);
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Lost);

        Posix.SignalGroup(agent, Posix.SigKill);

        await AgentProbe.NewAgentAsync(cp.Config, sandbox.Id, agent);
        var settled = await Waits.ReadyOrFailedAsync(cp.Admin, sandbox.Id);
        Assert.True(settled.Status.Phase == SandboxPhase.Ready, $"{settled.Status.Phase}: {settled.Status.Reason}");
    }

    [Fact]
    public async Task Readiness_probe_output_gates_ready()
    {
        var request = Specs.Sandbox("reconcile");
        request.Spec.Readiness = new Readiness { ExpectOutput = "3" };
        request.Spec.Readiness.ProbeCommand.Add(["/bin/sh", "-c", "echo $((1+2))"]);

        var sandbox = await cp.Admin.Sandboxes.CreateAsync(request);

        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
    }

    [Fact]
    public async Task Readiness_probe_that_never_passes_fails_the_sandbox_with_a_reason()
    {
        var request = Specs.Sandbox("reconcile");
        request.Spec.Readiness = new Readiness { ExpectOutput = "3", Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(3)) };
        request.Spec.Readiness.ProbeCommand.Add(["/bin/echo", "4"]);

        var sandbox = await cp.Admin.Sandboxes.CreateAsync(request);

        var failed = await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Failed);
        Assert.Contains("not ready within", failed.Status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Required_process_that_cannot_start_fails_the_sandbox_with_the_agents_reason()
    {
        var broken = new ProcessSpec { Name = "broken", Command = "/nonexistent/binary", Required = true, RestartPolicy = RestartPolicy.Never };

        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("reconcile", broken));

        var failed = await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Failed);
        Assert.Contains("broken", failed.Status.Reason, StringComparison.Ordinal);
    }
}

public sealed class ReconcilerTestsOnSqlite(SqliteControlPlane cp) : ReconcilerTests(cp), IClassFixture<SqliteControlPlane>;

public sealed class ReconcilerTestsOnPostgres(PostgresControlPlane cp) : ReconcilerTests(cp), IClassFixture<PostgresControlPlane>;
