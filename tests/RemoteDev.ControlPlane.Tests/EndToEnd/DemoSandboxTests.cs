using System.Text;
using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>
/// The README's first command (`scripts/run`: the control plane with --demo): a new user finds one sandbox "demo"
/// that is READY, ticks, runs a shell and answers exec, on the first start and on every later one.
/// </summary>
public sealed class DemoSandboxTests : IAsyncLifetime
{
    private const string DemoAnnounced = "remotedev-control-plane: demo sandbox ";

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "rddemo-" + Guid.NewGuid().ToString("N")[..8]);
    private ControlPlaneHost? _host;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDir);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        ControlPlaneHost.CleanUp(_dataDir);
    }

    [Fact]
    public async Task Demo_sandbox_is_ready_ticks_runs_a_shell_answers_exec_and_is_the_same_after_a_restart()
    {
        using var admin = await StartAsync(RepoPaths.AgentPath);

        var demo = await Waits.PhaseAsync(admin, (await SingleDemoAsync(admin)).Id, SandboxPhase.Ready);
        Assert.Equal(["shell", "ticker"], demo.Status.Processes.Select(p => p.Name).Order(StringComparer.Ordinal));
        await OutputReads.UntilStoredContainsAsync(admin, demo.Id, "ticker", "tick 2 ");
        Assert.Equal("Linux\n", await ExecAsync(admin, demo.Id, "uname", "-s"));

        await StopAsync();
        using var again = await StartAsync(RepoPaths.AgentPath);

        Assert.Equal(demo.Id, (await SingleDemoAsync(again)).Id);
        await Waits.PhaseAsync(again, demo.Id, SandboxPhase.Ready);
    }

    [Fact]
    public async Task Ctrl_C_ends_the_demo_shell_by_hangup_as_closing_its_terminal_would_not_by_a_kill_after_the_grace()
    {
        using var admin = await StartAsync(RepoPaths.AgentPath);
        var demo = await Waits.PhaseAsync(admin, (await SingleDemoAsync(admin)).Id, SandboxPhase.Ready);

        await StopAsync();

        var agentLog = await File.ReadAllTextAsync(Path.Combine(_dataDir, "sandboxes", demo.Id, "logs", "agent.log"));
        Assert.Contains("Process shell \"Stopping\" -> \"Stopped\": stopped (signal SIGHUP)", agentLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failed_demo_sandbox_is_replaced_by_a_new_one_on_the_next_start()
    {
        var broken = await StandInAgent.WriteScriptAsync(_dataDir, "#!/bin/sh\necho 'boom' >&2\nexit 3\n");
        string failedId;
        using (var admin = await StartAsync(broken))
        {
            failedId = (await Waits.PhaseAsync(admin, (await SingleDemoAsync(admin)).Id, SandboxPhase.Failed)).Id;
        }

        await StopAsync();
        using var again = await StartAsync(RepoPaths.AgentPath);

        var replacement = await SingleDemoAsync(again);
        Assert.NotEqual(failedId, replacement.Id);
        await Waits.PhaseAsync(again, replacement.Id, SandboxPhase.Ready);
        await Waits.PhaseAsync(again, failedId, SandboxPhase.Stopped);
    }

    private async Task<OperatorClient> StartAsync(string agentPath)
    {
        var config = new ControlPlaneConfig(_dataDir, null)
        {
            Extra = new Dictionary<string, string> { ["ControlPlane__Demo"] = "true", ["ControlPlane__AgentPath"] = agentPath },
        };
        var host = await ControlPlaneHost.StartAsync(config);
        _host = host;
        // It serves before the demo is set up: that waits for the reconciler to recover the sandboxes.
        await Waits.UntilAsync(() => Task.FromResult(host.Output), output => output.Contains(DemoAnnounced, StringComparison.Ordinal), "the demo sandbox announced");
        return new OperatorClient(host.GrpcAddress, host.AdminToken);
    }

    /// <summary>Stops the control plane the way Ctrl-C does, so the demo's agent stops with it.</summary>
    private async Task StopAsync()
    {
        if (_host is null)
        {
            return;
        }

        await _host.TerminateAsync();
        await _host.DisposeAsync();
        _host = null;
    }

    private static async Task<Sandbox> SingleDemoAsync(OperatorClient admin)
    {
        var listed = await admin.Sandboxes.ListAsync(new ListSandboxesRequest { Project = "demo" });
        return Assert.Single(listed.Sandboxes, s => s.Name == "demo" && s.Status.Phase != SandboxPhase.Stopped && s.Status.Phase != SandboxPhase.Stopping);
    }

    private static async Task<string> ExecAsync(OperatorClient admin, string sandboxId, params string[] command)
    {
        var exec = new ExecCommand();
        exec.Command.Add(command);
        using var call = admin.Processes.Exec(new ExecRequest { SandboxId = sandboxId, Command = exec });
        var stdout = new StringBuilder();
        ExecExit? exit = null;
        await foreach (var message in call.ResponseStream.ReadAllAsync())
        {
            if (message.Output is { Kind: StreamKind.Stdout } output)
            {
                stdout.Append(output.Data.ToStringUtf8());
            }

            exit = message.Exit ?? exit;
        }

        Assert.Equal(0, exit!.ExitCode);
        return stdout.ToString();
    }
}
