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
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "rdgone-" + Guid.NewGuid().ToString("N")[..8]);
    private ControlPlaneHost? _host;
    private OperatorClient? _admin;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        var agent = Path.Combine(_dataDir, "agent-once");
        await File.WriteAllTextAsync(agent, $"""
            #!/bin/sh
            if [ ! -e {_dataDir}/launched ]; then touch {_dataDir}/launched; exec {RepoPaths.AgentPath}; fi
            echo "boom: the agent binary is gone" >&2
            exit 3

            """);
        File.SetUnixFileMode(agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = new ControlPlaneConfig(_dataDir, null)
        {
            Extra = new Dictionary<string, string> { ["ControlPlane__AgentPath"] = agent },
        };
        _host = await ControlPlaneHost.StartAsync(config);
        _admin = new OperatorClient(_host.GrpcAddress, _host.AdminToken);
    }

    public async Task DisposeAsync()
    {
        _admin?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        ControlPlaneHost.CleanUp(_dataDir);
    }

    [Fact]
    public async Task Logs_follow_ends_with_everything_stored_once_the_sandbox_failed_without_an_agent()
    {
        var sandbox = await _admin!.Sandboxes.CreateAsync(Specs.Sandbox("gone", Specs.Shell("ticker", "i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.01; done")));
        await Waits.PhaseAsync(_admin, sandbox.Id, SandboxPhase.Ready);
        await OutputReads.UntilStoredContainsAsync(_admin, sandbox.Id, "ticker", "tick-20\n");
        using var logs = _admin.Processes.Logs(new LogsRequest { SandboxId = sandbox.Id, Process = "ticker", Offset = 0, Follow = true }, deadline: DateTime.UtcNow + Waits.Generous);
        var following = OutputReads.CollectAsync(logs.ResponseStream);

        Process.GetProcessById(AgentProbe.AgentPid(_host!.Config, sandbox.Id)).Kill();
        await Waits.PhaseAsync(_admin, sandbox.Id, SandboxPhase.Failed);

        var followed = await following;
        Assert.Contains("tick-20\n", Encoding.ASCII.GetString(followed), StringComparison.Ordinal);
        Assert.Equal(await OutputReads.StoredAsync(_admin, sandbox.Id, "ticker"), followed);
    }
}
