using System.Text;
using RemoteDev.Cli.Tests.Harness;

namespace RemoteDev.Cli.Tests;

/// <summary>
/// rdev attach behind a terminal that cannot keep up: the control plane cuts it off as too slow, rdev says so, opens
/// the attach again from the next byte, and what it prints is every byte exactly once; it ends with the exit code.
/// </summary>
public sealed class AttachReattachTests(TightAttachBufferSandbox sandbox) : IClassFixture<TightAttachBufferSandbox>
{
    [Fact]
    public async Task Attach_cut_off_as_too_slow_reattaches_from_its_offset_and_prints_every_byte_once()
    {
        // 21 MB: more than the HTTP/2 window rdev's client may grant (up to 16 MiB) plus the pipes, so the control
        // plane's queue for this attacher must overflow. The agent's ring holds all of it: the point is the attacher
        // falling behind, not the link.
        const int Lines = 3_000_000;
        var spec = Path.Combine(sandbox.ControlPlane.DataDir, "flood.json");
        await File.WriteAllTextAsync(spec, $$"""
            {"name": "flood", "command": "/bin/sh", "args": ["-c", "sleep 5; seq 1 {{Lines}}; exit 5"],
             "restartPolicy": "RESTART_POLICY_NEVER", "outputBufferBytes": "{{64 << 20}}"}
            """);
        (await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "--file", spec)).AssertExit(0);

        // rdev has 5 s to open the attach before the flood, which comes while its stdout goes unread.
        var result = await sandbox.Rdev.RunAsync(new RdevRun(["attach", sandbox.SandboxId, "flood", "--no-stdin", "--offset", "0"]) { StdoutPause = TimeSpan.FromSeconds(8) });

        Assert.Contains("reattached", result.Stderr, StringComparison.Ordinal);
        var expected = string.Concat(Enumerable.Range(1, Lines).Select(i => i + "\n"));
        Assert.True(Encoding.ASCII.GetString(result.Stdout) == expected, $"{result.Stdout.Length} bytes printed, {expected.Length} expected; stderr: {result.Stderr}");
        result.AssertExit(5);
    }
}
