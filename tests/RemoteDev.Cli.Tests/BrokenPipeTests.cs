using RemoteDev.Cli.Tests.Harness;

namespace RemoteDev.Cli.Tests;

/// <summary>
/// rdev | head: once the reader of rdev's output is gone, rdev ends promptly with 141 (128 + SIGPIPE, as a shell
/// reports for Unix tools), printing nothing, and what it ran remotely for that output (exec) ends too.
/// </summary>
public sealed class BrokenPipeTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    /// <summary>Each command here would otherwise run for minutes: past this, the run fails.</summary>
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Logs_follow_of_a_process_gone_quiet_ends_with_141_once_the_reader_is_gone()
    {
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "quiet", "--", "/bin/sh", "-c", "echo only-line; sleep 100000");

        var result = await sandbox.Rdev.RunAsync(new RdevRun(["logs", sandbox.SandboxId, "quiet", "--follow"]) { ShellRedirect = "| head -n 1", Timeout = Promptly });

        Assert.Equal((141, "only-line\n", ""), (result.ExitCode, result.Text, result.Stderr));
    }

    [Fact]
    public async Task Exec_ends_with_141_when_the_reader_is_gone_and_the_remote_command_ends()
    {
        var marker = "rdev-pipe-" + Guid.NewGuid().ToString("N");

        var result = await sandbox.Rdev.RunAsync(new RdevRun(["exec", sandbox.SandboxId, "--", "yes", marker]) { ShellRedirect = "| head -n 1", Timeout = Promptly });

        Assert.Equal((141, marker + "\n", ""), (result.ExitCode, result.Text, result.Stderr));
        Assert.True(await LocalProcesses.GoneAsync(marker), "the remote `yes` still runs");
    }

    [Fact]
    public async Task Watch_ends_with_141_once_the_reader_of_its_first_event_is_gone()
    {
        var result = await sandbox.Rdev.RunAsync(new RdevRun(["sandbox", "watch", "--id", sandbox.SandboxId, "-o", "json"]) { ShellRedirect = "| head -n 1", Timeout = Promptly });

        result.AssertExit(141);
        Assert.Contains(sandbox.SandboxId, result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_read_into_a_pipe_closed_after_one_line_ends_with_141()
    {
        var path = Path.Combine(sandbox.ControlPlane.DataDir, "many-lines.txt");
        await File.WriteAllLinesAsync(path, Enumerable.Range(1, 200_000).Select(i => $"line {i}"));

        var result = await sandbox.Rdev.RunAsync(new RdevRun(["files", "read", sandbox.SandboxId, path]) { ShellRedirect = "| head -n 1", Timeout = Promptly });

        Assert.Equal((141, "line 1\n", ""), (result.ExitCode, result.Text, result.Stderr));
    }
}
