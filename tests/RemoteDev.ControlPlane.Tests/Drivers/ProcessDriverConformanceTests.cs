using Microsoft.Extensions.Logging.Abstractions;
using RemoteDev.ControlPlane.Drivers;
using RemoteDev.ControlPlane.Drivers.Process;
using RemoteDev.ControlPlane.Tests.Harness;

namespace RemoteDev.ControlPlane.Tests.Drivers;

/// <summary>The process driver against the conformance suite, with a stand-in agent (a shell that waits for SIGTERM, or fails at once).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProcessDriverConformanceTests : SandboxDriverConformance
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "rddrv-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ProcessDriverOptions _options;
    private readonly ProcessDriver _driver;

    public ProcessDriverConformanceTests()
    {
        Directory.CreateDirectory(_dir);
        var agent = Path.Combine(_dir, "fake-agent");
        File.WriteAllText(agent, """
            #!/bin/sh
            case "$REMOTEDEV_SANDBOX_ID" in crash*) echo "boom: cannot open the data dir" >&2; exit 3;; esac
            trap 'exit 0' TERM
            while :; do sleep 0.05; done

            """);
        File.SetUnixFileMode(agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _options = new ProcessDriverOptions(Path.Combine(_dir, "sandboxes"), agent, "http://127.0.0.1:1");
        _driver = new ProcessDriver(_options, NullLogger<ProcessDriver>.Instance);
    }

    internal override ISandboxDriver Driver => _driver;

    internal override ISandboxDriver Restarted() => new ProcessDriver(_options, NullLogger<ProcessDriver>.Instance);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        ControlPlaneHost.CleanUp(_dir);
    }
}
