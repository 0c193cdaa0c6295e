using System.Text;
using RemoteDev.Cli.Tests.Harness;

namespace RemoteDev.Cli.Tests;

/// <summary>
/// rdev attach behind a terminal that cannot keep up: the control plane cuts it off as too slow, rdev says so, opens
/// the attach again from the next byte, and what it prints is every byte exactly once; it ends with the exit code.
/// </summary>
public sealed class AttachReattachTests(TightAttachBufferSandbox sandbox) : IClassFixture<TightAttachBufferSandbox>
{
    [Theory]
    [InlineData("flood-never", "RESTART_POLICY_NEVER")]
    [InlineData("flood-always", "RESTART_POLICY_ALWAYS")] // between two runs once cut off: the run it followed ended all the same
    public async Task Attach_cut_off_as_too_slow_reattaches_from_its_offset_and_prints_every_byte_once(string name, string restart)
    {
        // 31 MB: more than the HTTP/2 window rdev's client may grant (up to 16 MiB) plus socket buffers and pipes, so
        // the control plane's queue for this attacher must overflow while rdev's stdout goes unread. The agent's ring
        // holds all of it: the point is the attacher falling behind, not the link.
        const int Lines = 4_000_000;
        var expected = "ready\n" + string.Concat(Enumerable.Range(1, Lines).Select(i => i + "\n"));
        var go = Path.Combine(sandbox.ControlPlane.DataDir, $"go-{name}");
        var spec = Path.Combine(sandbox.ControlPlane.DataDir, $"{name}.json");
        await File.WriteAllTextAsync(spec, $$"""
            {"name": "{{name}}", "command": "/bin/sh", "args": ["-c", "echo ready; while [ ! -e {{go}} ]; do sleep 0.1; done; seq 1 {{Lines}}; exit 5"],
             "restartPolicy": "{{restart}}", "backoff": {"fixed": {"delay": "3600s"} }, "outputBufferBytes": "{{64 << 20}}"}
            """);
        (await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "--file", spec)).AssertExit(0);

        // The flood starts once rdev has printed "ready", so it reaches rdev live (a replay of stored output is paced
        // by rdev and never overflows); from then on rdev's stdout goes unread until the whole flood is stored.
        var attach = new RdevRun(["attach", sandbox.SandboxId, name, "--no-stdin", "--offset", "0"])
        {
            StdoutHold = new StdoutHold("ready\n", async token =>
            {
                await File.WriteAllTextAsync(go, "", token);
                await StoredAsync(name, expected.Length, token);
            }),
        };
        var result = await sandbox.Rdev.RunAsync(attach);

        Assert.Contains("reattached", result.Stderr, StringComparison.Ordinal);
        Assert.True(Encoding.ASCII.GetString(result.Stdout) == expected, $"{result.Stdout.Length} bytes printed, {expected.Length} expected; stderr: {result.Stderr}");
        result.AssertExit(5);
    }

    private async Task StoredAsync(string name, int length, CancellationToken cancellationToken)
    {
        var last = (length - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        while ((await sandbox.Rdev.RunAsync("logs", sandbox.SandboxId, name, "--offset", last)).Stdout.Length == 0)
        {
            await Task.Delay(200, cancellationToken);
        }
    }
}
