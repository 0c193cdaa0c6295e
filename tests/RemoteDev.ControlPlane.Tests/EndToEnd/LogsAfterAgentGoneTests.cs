using System.Diagnostics;
using System.Text;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>
/// A sandbox whose agent dies and can never start again (here: the first launch runs the real agent, every later one
/// exits 3) ends FAILED; a logs follow of its process ends there with everything stored instead of waiting forever.
/// </summary>
public sealed class LogsAfterAgentGoneTests : IAsyncLifetime
{
    private StandInAgent? _cp;

    private OperatorClient Admin => _cp!.Admin;

    public async Task InitializeAsync() => _cp = await StandInAgent.StartAsync("rdgone", dataDir => $"""
        #!/bin/sh
        if [ ! -e {dataDir}/launched ]; then touch {dataDir}/launched; exec {RepoPaths.AgentPath}; fi
        echo "boom: the agent binary is gone" >&2
        exit 3

        """);

    public async Task DisposeAsync()
    {
        if (_cp is not null)
        {
            await _cp.DisposeAsync();
        }
    }

    [Fact]
    public async Task Logs_follow_ends_with_everything_stored_once_the_sandbox_failed_without_an_agent()
    {
        var sandbox = await Admin.Sandboxes.CreateAsync(Specs.Sandbox("gone", Specs.Shell("ticker", "i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.01; done")));
        await Waits.PhaseAsync(Admin, sandbox.Id, SandboxPhase.Ready);
        await OutputReads.UntilStoredContainsAsync(Admin, sandbox.Id, "ticker", "tick-20\n");
        using var logs = Admin.Processes.Logs(new LogsRequest { SandboxId = sandbox.Id, Process = "ticker", Offset = 0, Follow = true }, deadline: DateTime.UtcNow + Waits.Generous);
        var following = OutputReads.CollectAsync(logs.ResponseStream);

        Process.GetProcessById(AgentProbe.AgentPid(_cp!.Host.Config, sandbox.Id)).Kill();
        await Waits.PhaseAsync(Admin, sandbox.Id, SandboxPhase.Failed);

        var followed = await following;
        Assert.Contains("tick-20\n", Encoding.ASCII.GetString(followed), StringComparison.Ordinal);
        Assert.Equal(await OutputReads.StoredAsync(Admin, sandbox.Id, "ticker"), followed);
    }
}
