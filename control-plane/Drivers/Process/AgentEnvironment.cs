namespace RemoteDev.ControlPlane.Drivers.Process;

/// <summary>Environment variables that configure remotedev-agent, plus the driver's identity markers.</summary>
internal static class AgentEnvironment
{
    public const string ControlPlaneUrl = "REMOTEDEV_CONTROL_PLANE_URL";
    public const string SandboxId = "REMOTEDEV_SANDBOX_ID";
    public const string AgentToken = "REMOTEDEV_AGENT_TOKEN";
    public const string DataDir = "REMOTEDEV_DATA_DIR";
    public const string LogDir = "REMOTEDEV_LOG_DIR";
    public const string WorkspaceDir = "REMOTEDEV_WORKSPACE_DIR";
    public const string ProcessFile = "REMOTEDEV_PROCESS_FILE";
    public const string InitialEnvFile = "REMOTEDEV_INITIAL_ENV_FILE";

    /// <summary>
    /// The agent's own GC budget, as the sandbox image sets it (Dockerfile.sandbox): 4 MiB of gen0 keeps its memory
    /// while streaming some 15 MiB lower. The agent does not pass it on to sandbox processes.
    /// </summary>
    public const string GcGen0Size = "DOTNET_GCgen0size";

    public const string GcGen0SizeValue = "0x400000";

    /// <summary>Identity marker: the label of the driver that started the agent.</summary>
    public const string DriverLabel = "REMOTEDEV_DRIVER_LABEL";
}
