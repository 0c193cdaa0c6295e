using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>
/// An agent that cannot start (here a stand-in that prints an error and exits 3) is started again with growing
/// delays, and its fifth exit in a row fails the sandbox with a reason that says how it ended; no launch follows.
/// </summary>
public sealed class AgentCrashLoopTests : IAsyncLifetime
{
    private StandInAgent? _cp;

    private OperatorClient Admin => _cp!.Admin;

    private string Launches(string sandboxId) => Path.Combine(_cp!.DataDir, "launches-" + sandboxId);

    public async Task InitializeAsync() => _cp = await StandInAgent.StartAsync("rdcrash", dataDir => $"""
        #!/bin/sh
        date +%s.%N >> {Path.Combine(dataDir, "launches-")}$REMOTEDEV_SANDBOX_ID
        echo "boom: cannot open the data dir" >&2
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
    public async Task Agent_that_keeps_exiting_is_relaunched_with_backoff_then_fails_the_sandbox_with_its_exit()
    {
        var sandbox = await Admin.Sandboxes.CreateAsync(Specs.Sandbox("crash"));

        var failed = await Waits.PhaseAsync(Admin, sandbox.Id, SandboxPhase.Failed);

        Assert.Contains("exited 5 times in a row", failed.Status.Reason, StringComparison.Ordinal);
        Assert.Contains("exit code 3", failed.Status.Reason, StringComparison.Ordinal);
        Assert.Contains("boom: cannot open the data dir", failed.Status.Reason, StringComparison.Ordinal);
        var launches = (await File.ReadAllLinesAsync(Launches(sandbox.Id))).Select(l => double.Parse(l, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(5, launches.Count);
        var gaps = launches.Zip(launches.Skip(1), (a, b) => b - a).ToList();
        Assert.All(gaps.Zip([1.0, 2.0, 4.0, 8.0]), g => Assert.True(g.First >= g.Second * 0.9, $"launches {string.Join(", ", gaps)} s apart; want at least 1, 2, 4, 8"));

        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(5, (await File.ReadAllLinesAsync(Launches(sandbox.Id))).Length);
    }

    [Fact]
    public async Task Process_of_a_sandbox_whose_agent_never_connected_reads_pending_not_not_found()
    {
        var sandbox = await Admin.Sandboxes.CreateAsync(Specs.Sandbox("crash", Specs.Shell("web", "sleep 600")));

        var status = await Admin.Processes.GetAsync(new GetProcessRequest { SandboxId = sandbox.Id, Name = "web" });

        Assert.Equal(ProcessState.Pending, status.State);
        Assert.Equal("the agent is not connected", status.Reason);
    }
}
