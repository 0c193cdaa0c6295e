using RemoteDev.Cli.Tests.Harness;

namespace RemoteDev.Cli.Tests;

/// <summary>
/// rdev attach with a terminal on stdin: to a process with a terminal, raw mode, window size, Ctrl-P Ctrl-Q detach; to
/// one on pipes, the terminal as it was, Ctrl-C detaches.
/// </summary>
public sealed class TerminalAttachTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private const byte CtrlC = 0x03;
    private static readonly byte[] DetachKeys = [0x10, 0x11];

    [Fact]
    public async Task Ctrl_p_ctrl_q_detaches_with_exit_code_0_and_the_process_keeps_running()
    {
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "tty-ticker", "--tty", "--", "/bin/sh", "-c", "while :; do echo tick; sleep 0.3; done");
        await using var terminal = TerminalRdev.Start(sandbox.ControlPlane, "24", "80", "attach", sandbox.SandboxId, "tty-ticker");
        await terminal.WaitForOutputAsync("tick");

        await terminal.TypeAsync(DetachKeys);

        Assert.Equal(0, await terminal.ExitCodeAsync());
        var process = await sandbox.Rdev.RunAsync("process", "get", sandbox.SandboxId, "tty-ticker", "-o", "json");
        Assert.Equal("PROCESS_STATE_RUNNING", process.Json.GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_local_window_size_reaches_the_process_terminal_and_keys_reach_its_input()
    {
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "tty-size", "--tty", "--", "/bin/sh", "-c", "echo ready; read line; stty size; sleep 100000");
        await using var terminal = TerminalRdev.Start(sandbox.ControlPlane, "45", "123", "attach", sandbox.SandboxId, "tty-size", "--tail", "4096");
        await terminal.WaitForOutputAsync("ready");

        await terminal.TypeAsync("\r"u8.ToArray());

        await terminal.WaitForOutputAsync("45 123");
        await terminal.TypeAsync(DetachKeys);
        Assert.Equal(0, await terminal.ExitCodeAsync());
    }

    [Fact]
    public async Task A_run_that_exits_ends_the_attach_with_its_code_and_the_restart_is_told_on_the_restored_terminal()
    {
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "tty-exit", "--tty", "--", "/bin/sh", "-c", "echo ready; read line; exit 7");
        await using var terminal = TerminalRdev.Start(sandbox.ControlPlane, "24", "80", "attach", sandbox.SandboxId, "tty-exit", "--tail", "4096");
        await terminal.WaitForOutputAsync("ready");

        await terminal.TypeAsync("\r"u8.ToArray());

        Assert.Equal(7, await terminal.ExitCodeAsync());
        // "\r\n": written once the terminal's output processing was back, not as a bare "\n" of raw mode.
        Assert.EndsWith("rdev: the run of tty-exit ended; it is BACKOFF: exit code 7; restart in 1000 ms\r\n", terminal.Screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task To_a_process_without_a_terminal_the_terminal_stays_cooked_and_ctrl_c_detaches_with_130()
    {
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "pipe-ticker", "--", "/bin/sh", "-c", "while :; do echo tick; sleep 0.3; done");
        await using var terminal = TerminalRdev.StartInShell(sandbox.ControlPlane, "attach", sandbox.SandboxId, "pipe-ticker");
        await terminal.WaitForOutputAsync("tick");
        var attached = await terminal.ModesAsync();

        await terminal.TypeAsync([CtrlC]);

        Assert.Equal("opost icanon echo", attached);
        Assert.Equal((130, "opost icanon echo"), await terminal.RdevEndAsync());
        var process = await sandbox.Rdev.RunAsync("process", "get", sandbox.SandboxId, "pipe-ticker", "-o", "json");
        Assert.Equal("PROCESS_STATE_RUNNING", process.Json.GetProperty("state").GetString());
    }
}
