namespace RemoteDev.ControlPlane.Drivers.Process;

internal sealed record ProcessDriverOptions(string SandboxesDir, string AgentPath, string ControlPlaneUrl)
{
    /// <summary>Marks every agent this driver starts, so that control planes with other data dirs leave them alone.</summary>
    public string Label => "process-" + Convert.ToHexStringLower(
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(SandboxesDir))))[..16];
}
