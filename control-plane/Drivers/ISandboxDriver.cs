using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Drivers;

/// <summary>Runs sandboxes somewhere. Every driver passes the conformance suite in the tests.</summary>
internal interface ISandboxDriver
{
    /// <summary>The spec's driver name this driver serves ("process").</summary>
    string Name { get; }

    DriverCapabilities Capabilities { get; }

    /// <summary>Starts the sandbox's agent; a no-op while the sandbox already runs.</summary>
    Task StartAsync(SandboxLaunch launch, CancellationToken cancellationToken);

    /// <summary>Adopts sandboxes still running from before a control-plane restart; returns their ids.</summary>
    Task<IReadOnlyList<string>> RecoverAsync(CancellationToken cancellationToken);

    /// <summary>Signals the agent to shut down, waits up to the grace, then kills what is left.</summary>
    Task StopAsync(string sandboxId, TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>Stops the sandbox at once and removes everything the driver created for it.</summary>
    Task DestroyAsync(string sandboxId, CancellationToken cancellationToken);

    Task<SandboxInspection> InspectAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>Kills and removes what this driver created for sandboxes not in <paramref name="liveSandboxIds"/>.</summary>
    Task<IReadOnlyList<string>> ReapOrphansAsync(IReadOnlySet<string> liveSandboxIds, CancellationToken cancellationToken);
}

internal sealed record DriverCapabilities(bool Adopt, bool ResourceLimits, bool Images);

/// <summary>What a driver needs to start a sandbox's agent.</summary>
internal sealed record SandboxLaunch(string SandboxId, string AgentToken, SandboxSpec Spec);

internal enum SandboxRunState
{
    /// <summary>The driver holds nothing for this sandbox.</summary>
    Absent,
    Running,
    Exited,
}

/// <summary>The driver's view of a sandbox; <paramref name="ExitDetail"/> says how an exited agent ended (empty otherwise).</summary>
internal sealed record SandboxInspection(SandboxRunState State, int? Pid, string ExitDetail);
