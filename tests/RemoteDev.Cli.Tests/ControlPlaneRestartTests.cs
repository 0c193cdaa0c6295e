using RemoteDev.Cli.Tests.Harness;

namespace RemoteDev.Cli.Tests;

/// <summary>Streams that outlive a control-plane restart (kill -9, then a new one on the same address and data).</summary>
public sealed class ControlPlaneRestartTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Logs_follow_across_a_restart_prints_every_byte_once()
    {
        var stop = Path.Combine(sandbox.ControlPlane.DataDir, "stop-counting");
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "counter", "--restart", "never", "--", "/bin/sh", "-c", $"i=0; while [ ! -e {stop} ]; do i=$((i+1)); echo line $i; sleep 0.05; done; echo end");
        var follow = new RdevRun(["logs", sandbox.SandboxId, "counter", "--follow"])
        {
            StdoutHold = new StdoutHold("line 3\n", async token =>
            {
                await sandbox.ControlPlane.KillAndRestartAsync();
                await Task.Delay(TimeSpan.FromSeconds(1), token);
                await File.WriteAllTextAsync(stop, "", token);
            }),
        };

        var result = await sandbox.Rdev.RunAsync(follow);

        result.AssertExit(0);
        var lines = result.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([.. Enumerable.Range(1, lines.Length - 1).Select(i => $"line {i}"), "end"], lines);
        Assert.Contains("reconnecting", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_across_a_restart_prints_the_current_state_again_and_goes_on()
    {
        var watch = new RdevRun(["sandbox", "watch", "--id", sandbox.SandboxId, "-o", "json"])
        {
            StdoutHold = new StdoutHold("SANDBOX_PHASE_READY", _ => sandbox.ControlPlane.KillAndRestartAsync()),
            StopWhen = text => Added(text) == 2,
        };

        var result = await sandbox.Rdev.RunAsync(watch);

        result.AssertExit(130);
        Assert.Equal(2, Added(result.Text));
    }

    private static int Added(string watched) => watched.Split('\n').Count(line => line.Contains("\"TYPE_ADDED\"", StringComparison.Ordinal));
}
