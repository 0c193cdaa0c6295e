namespace RemoteDev.Cli.Tests.Harness;

/// <summary>
/// Per test class: a control plane and one READY sandbox, created with rdev itself, running
/// "idle" (required) and "printer" (writes known bytes, exits 0).
/// </summary>
public class SandboxFixture : IAsyncLifetime
{
    /// <summary>What "printer" writes: text, a non-UTF-8 byte pair and a NUL.</summary>
    public static readonly byte[] PrinterBytes = [.. "first line\n"u8, 0xff, 0xfe, 0x00, .. "last line\n"u8];

    private const string ProcessFile = """
        [
          {"name": "idle", "command": "sleep", "args": ["100000"], "required": true},
          {"name": "printer", "command": "/bin/sh", "args": ["-c", "printf 'first line\\n\\377\\376\\000last line\\n'"], "restartPolicy": "RESTART_POLICY_NEVER"}
        ]
        """;

    private ControlPlaneProcess? _controlPlane;

    public ControlPlaneProcess ControlPlane => _controlPlane ?? throw new InvalidOperationException("not started");

    public Rdev Rdev { get; private set; } = null!;

    public string SandboxId { get; private set; } = "";

    public string ProcessFilePath { get; private set; } = "";

    /// <summary>Extra control-plane configuration for a fixture that needs it.</summary>
    protected virtual IReadOnlyDictionary<string, string> ControlPlaneSettings { get; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        _controlPlane = await ControlPlaneProcess.StartAsync(ControlPlaneSettings);
        Rdev = new Rdev(_controlPlane);
        ProcessFilePath = Path.Combine(_controlPlane.DataDir, "processes.json");
        await File.WriteAllTextAsync(ProcessFilePath, ProcessFile);
        var created = await Rdev.RunAsync("sandbox", "create", "fixture", "--project", "fixture", "--process-file", ProcessFilePath, "--wait-ready", "-o", "json");
        if (created.ExitCode != 0)
        {
            throw new InvalidOperationException($"fixture sandbox: {created}\ncontrol plane:\n{_controlPlane.Output}");
        }

        SandboxId = created.Json.GetProperty("id").GetString()!;
    }

    public async Task DisposeAsync()
    {
        if (_controlPlane is not null)
        {
            await _controlPlane.DisposeAsync();
        }
    }
}

/// <summary>A sandbox whose control plane cuts an attacher off once 64 KiB of live output wait for it.</summary>
public sealed class TightAttachBufferSandbox : SandboxFixture
{
    protected override IReadOnlyDictionary<string, string> ControlPlaneSettings { get; } =
        new Dictionary<string, string> { ["ControlPlane__AttacherBufferBytes"] = "65536" };
}
