using RemoteDev.ControlPlane.Drivers.Process;
using System.Text;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>kill -9 of the control plane while a process writes: agents are adopted and no stored byte is lost or doubled.</summary>
public abstract class RestartTests(ControlPlaneFixture cp)
{
    private const int Lines = 60_000;

    [Fact]
    public async Task Killed_control_plane_restarts_adopts_the_agent_and_stores_byte_identical_output()
    {
        var script = $"i=0; while [ $i -lt {Lines} ]; do i=$((i+1)); echo \"line $i of the restart test\"; done; sleep 600";
        var writer = Specs.Shell("writer", script, RestartPolicy.Never);
        writer.OutputBufferBytes = 16 * 1024 * 1024;
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("restart", writer));
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
        var agentPid = AgentProbe.AgentPid(cp.Config, sandbox.Id);
        await OutputReads.UntilStoredContainsAsync(cp.Admin, sandbox.Id, "writer", "line 100 of");

        await cp.KillAndRestartAsync();
        using var admin = cp.ClientWith(cp.Host.AdminToken);
        await Waits.PhaseAsync(admin, sandbox.Id, SandboxPhase.Ready);
        var stored = await OutputReads.UntilStoredContainsAsync(admin, sandbox.Id, "writer", $"line {Lines} of");

        Assert.Equal(agentPid, AgentProbe.AgentPid(cp.Config, sandbox.Id));
        Assert.Equal(Expected(), stored);
    }

    [Fact]
    public async Task Sandbox_whose_agent_died_while_the_control_plane_was_down_is_started_again_and_ready()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.IdleWithReadinessTimeout("restart", TimeSpan.FromSeconds(3)));
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
        var agentPid = AgentProbe.AgentPid(cp.Config, sandbox.Id);

        await cp.KillAsync();
        Posix.SignalGroup(agentPid, Posix.SigKill);
        // Down for longer than the sandbox's readiness timeout: its age must not count against its new start.
        await Task.Delay(TimeSpan.FromSeconds(4));
        await cp.StartAgainAsync();

        using var admin = cp.ClientWith(cp.Host.AdminToken);
        var settled = await Waits.ReadyOrFailedAsync(admin, sandbox.Id);
        Assert.True(settled.Status.Phase == SandboxPhase.Ready, $"{settled.Status.Phase}: {settled.Status.Reason}");
        Assert.NotEqual(agentPid, AgentProbe.AgentPid(cp.Config, sandbox.Id));
    }

    private static string Expected()
    {
        var text = new StringBuilder();
        for (var i = 1; i <= Lines; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"line {i} of the restart test\n");
        }

        return text.ToString();
    }
}

public sealed class RestartTestsOnSqlite(SqliteControlPlane cp) : RestartTests(cp), IClassFixture<SqliteControlPlane>;

public sealed class RestartTestsOnPostgres(PostgresControlPlane cp) : RestartTests(cp), IClassFixture<PostgresControlPlane>;
