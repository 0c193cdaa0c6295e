using RemoteDev.Cli.Tests.Harness;

namespace RemoteDev.Cli.Tests;

/// <summary>rdev process stop/start/restart/signal/reload/remove/get against a real agent.</summary>
public sealed class ProcessCommandTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Stop_leaves_the_process_stopped()
    {
        await AddSleeperAsync("to-stop");

        var stopped = await sandbox.Rdev.RunAsync("process", "stop", sandbox.SandboxId, "to-stop", "--grace", "2s", "-o", "json");

        Assert.Equal("PROCESS_STATE_STOPPED", stopped.Json.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Stop_with_a_grace_longer_than_the_request_timeout_waits_it_out_and_succeeds()
    {
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "stubborn", "--", "/bin/sh", "-c", "trap '' TERM; while :; do sleep 1; done");

        var stopped = await sandbox.Rdev.RunAsync("process", "stop", sandbox.SandboxId, "stubborn", "--grace", "32s", "-o", "json");

        stopped.AssertExit(0);
        Assert.Equal(("PROCESS_STATE_STOPPED", "SIGKILL"), (stopped.Json.GetProperty("state").GetString(), stopped.Json.GetProperty("signal").GetString()));
    }

    [Fact]
    public async Task Start_runs_a_stopped_process_again()
    {
        await AddSleeperAsync("to-start");
        await sandbox.Rdev.RunAsync("process", "stop", sandbox.SandboxId, "to-start");

        var started = await sandbox.Rdev.RunAsync("process", "start", sandbox.SandboxId, "to-start", "-o", "json");

        started.AssertExit(0);
        Assert.Equal("PROCESS_STATE_RUNNING", started.Json.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Restart_starts_the_process_again()
    {
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "to-restart", "--", "/bin/sh", "-c", "echo started; sleep 100000");
        await using var logs = TerminalRdev.Start(sandbox.ControlPlane, "24", "80", "logs", sandbox.SandboxId, "to-restart", "--follow");
        await logs.WaitForOutputAsync("started");

        var restarted = await sandbox.Rdev.RunAsync("process", "restart", sandbox.SandboxId, "to-restart");

        restarted.AssertExit(0);
        await logs.WaitForOutputAsync("started", occurrences: 2);
    }

    [Fact]
    public async Task Signal_reaches_the_process()
    {
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "trapper", "--", "/bin/sh", "-c", "trap 'echo got-usr1' USR1; echo armed; while :; do sleep 0.1; done");
        await using var logs = TerminalRdev.Start(sandbox.ControlPlane, "24", "80", "logs", sandbox.SandboxId, "trapper", "--follow");
        await logs.WaitForOutputAsync("armed");

        var signalled = await sandbox.Rdev.RunAsync("process", "signal", sandbox.SandboxId, "trapper", "SIGUSR1");

        signalled.AssertExit(0);
        await logs.WaitForOutputAsync("got-usr1");
    }

    [Fact]
    public async Task Remove_takes_the_process_out_of_ps()
    {
        await AddSleeperAsync("to-remove");

        var removed = await sandbox.Rdev.RunAsync("process", "remove", sandbox.SandboxId, "to-remove");
        var listed = await sandbox.Rdev.RunAsync("ps", sandbox.SandboxId, "-o", "json");

        removed.AssertExit(0);
        Assert.DoesNotContain("to-remove", listed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_with_restart_now_runs_the_new_definition()
    {
        await AddSleeperAsync("to-reload");
        var file = Path.Combine(sandbox.ControlPlane.DataDir, "reload.json");
        await File.WriteAllTextAsync(file, """{"name": "to-reload", "command": "/bin/sh", "args": ["-c", "echo reloaded; sleep 100000"]}""");

        var reloaded = await sandbox.Rdev.RunAsync("process", "reload", sandbox.SandboxId, "--file", file, "--restart-now", "-o", "json");

        reloaded.AssertExit(0);
        Assert.Equal("/bin/sh", reloaded.Json.GetProperty("spec").GetProperty("command").GetString());
    }

    [Fact]
    public async Task Get_with_env_shows_the_effective_environment()
    {
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "with-env", "--env", "RDEV_VISIBLE=shown", "--", "sleep", "100000");

        var got = await sandbox.Rdev.RunAsync("process", "get", sandbox.SandboxId, "with-env", "--env");

        Assert.Contains("RDEV_VISIBLE", got.Text, StringComparison.Ordinal);
        Assert.Contains("shown", got.Text, StringComparison.Ordinal);
    }

    private async Task<RdevResult> AddSleeperAsync(string name)
    {
        var added = await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, name, "-o", "json", "--", "sleep", "100000");
        added.AssertExit(0);
        return added;
    }
}
