using RemoteDev.Supervisor.Tests.Infrastructure;

namespace RemoteDev.Supervisor.Tests;

public sealed class PtyTests
{
    private static ProcessSpec Terminal(string name, string script) =>
        SupervisorHarness.Shell(name, script) with { Terminal = new TerminalSize(30, 100) };

    [Fact]
    public async Task A_terminal_process_runs_on_a_pty()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(Terminal("t", "tty; sleep 1000"));

        var output = await h.ReadOutputUntilAsync("t", "\n");

        Assert.StartsWith("/dev/pts/", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pty_has_the_requested_size()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(Terminal("t", "stty size; sleep 1000"));

        var output = await h.ReadOutputUntilAsync("t", "\n");

        Assert.Equal("30 100", output.Trim());
    }

    [Fact]
    public async Task Resize_reaches_the_foreground_process_as_SIGWINCH()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(Terminal("t", "trap 'stty size' WINCH; echo ready; while true; do sleep 0.05; done"));
        await h.ReadOutputUntilAsync("t", "ready");

        h.Supervisor.Resize("t", new TerminalSize(40, 120));
        var output = await h.ReadOutputUntilAsync("t", "40 120");

        Assert.Contains("40 120", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_written_to_a_pty_is_echoed_and_read()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(Terminal("t", "read line; echo got:$line; sleep 1000"));
        await h.WaitForStateAsync("t", ProcessState.Running);

        await h.Supervisor.WriteStdinAsync("t", "abc\n"u8.ToArray(), CancellationToken.None);
        var output = await h.ReadOutputUntilAsync("t", "got:abc");

        Assert.Contains("got:abc", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_chunks_of_a_terminal_process_are_tagged_pty()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(Terminal("t", "echo hi; sleep 1000"));
        await h.ReadOutputUntilAsync("t", "hi");

        var chunk = (OutputChunk)(await h.Supervisor.SubscribeOutput("t", 0).ReadAsync(CancellationToken.None))!;

        Assert.Equal(StreamKind.Pty, chunk.Kind);
    }
}
