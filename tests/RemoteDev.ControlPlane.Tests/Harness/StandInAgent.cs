namespace RemoteDev.ControlPlane.Tests.Harness;

/// <summary>
/// A control plane of its own whose process driver starts a stand-in for the agent: a shell script in its data
/// directory (one that exits, or runs the real agent only once). The script is given the data directory.
/// </summary>
internal sealed class StandInAgent : IAsyncDisposable
{
    private StandInAgent(string dataDir, ControlPlaneHost host)
    {
        DataDir = dataDir;
        Host = host;
        Admin = new OperatorClient(host.GrpcAddress, host.AdminToken);
    }

    public string DataDir { get; }

    public ControlPlaneHost Host { get; }

    public OperatorClient Admin { get; }

    public static async Task<StandInAgent> StartAsync(string dataDirPrefix, Func<string, string> script)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), dataDirPrefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        var config = new ControlPlaneConfig(dataDir, null)
        {
            Extra = new Dictionary<string, string> { ["ControlPlane__AgentPath"] = await WriteScriptAsync(dataDir, script(dataDir)) },
        };
        return new StandInAgent(dataDir, await ControlPlaneHost.StartAsync(config));
    }

    /// <summary>Writes <paramref name="script"/> as an executable stand-in agent in <paramref name="dataDir"/>; returns its path.</summary>
    public static async Task<string> WriteScriptAsync(string dataDir, string script)
    {
        var path = Path.Combine(dataDir, "stand-in-agent");
        await File.WriteAllTextAsync(path, script);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Host.DisposeAsync();
        ControlPlaneHost.CleanUp(DataDir);
    }
}
