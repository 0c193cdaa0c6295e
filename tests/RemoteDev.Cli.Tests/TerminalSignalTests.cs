using RemoteDev.Cli.Tests.Harness;

namespace RemoteDev.Cli.Tests;

/// <summary>A signal that ends rdev during a terminal attach leaves the terminal as it found it and exits 128+N.</summary>
public sealed class TerminalSignalTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    [Theory]
    [InlineData(PosixSignals.SigTerm, 143)]
    [InlineData(PosixSignals.SigInt, 130)]
    public async Task A_signal_during_a_terminal_attach_restores_the_terminal_and_exits_128_plus_its_number(int signal, int exitCode)
    {
        var name = $"tty-signal-{signal}";
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, name, "--tty", "--", "/bin/sh", "-c", "while :; do echo tick; sleep 0.3; done");
        await using var terminal = TerminalRdev.StartInShell(sandbox.ControlPlane, "attach", sandbox.SandboxId, name);
        await terminal.WaitForOutputAsync("tick");
        var attached = await terminal.ModesAsync();

        _ = PosixSignals.Send(await terminal.RdevPidAsync(), signal);

        Assert.Equal("-opost -icanon -echo", attached);
        Assert.Equal((exitCode, "opost icanon echo"), await terminal.RdevEndAsync());
    }
}
