using RemoteDev.Cli.Tests.Harness;

namespace RemoteDev.Cli.Tests;

/// <summary>
/// Streams and uploads that outlive a control-plane outage: a restart (kill -9, then a new one on the same address and
/// data) or every connection to it cut for a while.
/// </summary>
public sealed class ControlPlaneRestartTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public async Task Logs_follow_across_a_restart_prints_every_byte_once()
    {
        var hold = await CountAcrossARestartAsync("counter", exitCode: 0);

        var result = await sandbox.Rdev.RunAsync(new RdevRun(["logs", sandbox.SandboxId, "counter", "--follow"]) { StdoutHold = hold });

        result.AssertExit(0);
        AssertEveryLineOnceThenEnd(result);
    }

    [Fact]
    public async Task Attach_across_a_restart_prints_every_byte_once_and_ends_with_the_run()
    {
        var hold = await CountAcrossARestartAsync("attached", exitCode: 4);

        var result = await sandbox.Rdev.RunAsync(new RdevRun(["attach", sandbox.SandboxId, "attached", "--no-stdin", "--offset", "0"]) { StdoutHold = hold });

        result.AssertExit(4);
        AssertEveryLineOnceThenEnd(result);
    }

    [Fact]
    public async Task Terminal_attach_across_a_restart_says_so_on_lines_of_its_own_and_goes_on_to_the_run_end()
    {
        var stop = Path.Combine(sandbox.ControlPlane.DataDir, "stop-tty");
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "tty-across", "--tty", "--", "/bin/sh", "-c", $"echo ready; while [ ! -e {stop} ]; do sleep 0.1; done; echo done; exit 3");
        await using var terminal = TerminalRdev.Start(sandbox.ControlPlane, "24", "80", "attach", sandbox.SandboxId, "tty-across", "--tail", "4096");
        await terminal.WaitForOutputAsync("ready");

        await sandbox.ControlPlane.KillAndRestartAsync();
        await terminal.WaitForOutputAsync("reconnecting for up to 60 s\r\n");
        await File.WriteAllTextAsync(stop, "");

        Assert.Equal(3, await terminal.ExitCodeAsync());
        Assert.Contains("done\r\n", terminal.Screen, StringComparison.Ordinal);
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

    [Fact]
    public async Task Files_write_across_an_outage_sends_the_chunk_again_and_the_file_is_exact()
    {
        var content = new byte[9 * MiB];
        Random.Shared.NextBytes(content);
        var path = Path.Combine(sandbox.ControlPlane.DataDir, "files", "across-an-outage.bin");
        await using var relay = CuttableRelay.Start(sandbox.ControlPlane.Server);
        var write = new RdevRun(["files", "write", sandbox.SandboxId, path])
        {
            Environment = new Dictionary<string, string> { ["RDEV_SERVER"] = relay.Url },
            // rdev sends a 3 MiB chunk once it has read the next one (to know whether it is the last), and reads on
            // only once the chunk was answered.
            StdinFeed = async (stdin, stderr, token) =>
            {
                await stdin.BaseStream.WriteAsync(content.AsMemory(0, 6 * MiB), token);
                await stdin.BaseStream.FlushAsync(token);
                await UntilAsync(() => Received(path) == 3 * MiB, token);
                await stdin.BaseStream.WriteAsync(content.AsMemory(6 * MiB), token);
                await stdin.BaseStream.FlushAsync(token);
                await UntilAsync(() => Received(path) == 6 * MiB, token);
                relay.Cut();
                stdin.Close();
                await UntilAsync(() => stderr().Contains("reconnecting", StringComparison.Ordinal), token);
                relay.Resume();
            },
        };

        var result = await sandbox.Rdev.RunAsync(write);

        result.AssertExit(0);
        Assert.Contains("reconnecting", result.Stderr, StringComparison.Ordinal);
        Assert.True(content.AsSpan().SequenceEqual(File.ReadAllBytes(path)), "the file differs from what was written");
    }

    /// <summary>
    /// Adds a process that prints "line N" until told to stop, then "end", and exits with <paramref name="exitCode"/>;
    /// the hold returned kills and restarts the control plane once "line 3" was printed, then tells it to stop.
    /// </summary>
    private async Task<StdoutHold> CountAcrossARestartAsync(string name, int exitCode)
    {
        var stop = Path.Combine(sandbox.ControlPlane.DataDir, $"stop-{name}");
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, name, "--restart", "never", "--", "/bin/sh", "-c", $"i=0; while [ ! -e {stop} ]; do i=$((i+1)); echo line $i; sleep 0.05; done; echo end; exit {exitCode}");
        return new StdoutHold("line 3\n", async token =>
        {
            await sandbox.ControlPlane.KillAndRestartAsync();
            await Task.Delay(TimeSpan.FromSeconds(1), token);
            await File.WriteAllTextAsync(stop, "", token);
        });
    }

    private static void AssertEveryLineOnceThenEnd(RdevResult result)
    {
        var lines = result.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([.. Enumerable.Range(1, lines.Length - 1).Select(i => $"line {i}"), "end"], lines);
        Assert.Contains("reconnecting", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>The bytes of the upload to <paramref name="path"/> in progress: its hidden file's length, -1 without one.</summary>
    private static long Received(string path)
    {
        try
        {
            return Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.*.rdev-upload").Select(f => new FileInfo(f).Length).SingleOrDefault(-1);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return -1;
        }
    }

    private static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private static int Added(string watched) => watched.Split('\n').Count(line => line.Contains("\"TYPE_ADDED\"", StringComparison.Ordinal));
}
