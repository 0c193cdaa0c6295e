namespace RemoteDev.Agent.Tests.Image;

/// <summary>
/// One sandbox: a container of the sandbox image on the host's network (so the agent dials the test gateway on
/// 127.0.0.1), configured by environment as a driver would. Removed with everything in it on dispose.
/// </summary>
internal sealed class SandboxContainer : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private SandboxContainer(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public static async Task<SandboxContainer> StartAsync(string image, string url, string sandboxId, string token)
    {
        var container = new SandboxContainer("rdtest-" + sandboxId);
        await DockerCli.RunAsync(Patience,
            "run", "--detach", "--name", container.Name, "--network", "host",
            "--env", "REMOTEDEV_CONTROL_PLANE_URL=" + url,
            "--env", "REMOTEDEV_SANDBOX_ID=" + sandboxId,
            "--env", "REMOTEDEV_AGENT_TOKEN=" + token,
            image);
        return container;
    }

    /// <summary>Runs a command inside the container and returns its stdout (throws when it fails).</summary>
    public Task<string> ExecAsync(params string[] command) => DockerCli.RunAsync(Patience, ["exec", Name, .. command]);

    /// <summary>`docker stop`: SIGTERM to PID 1 (tini), then SIGKILL after <paramref name="grace"/>.</summary>
    public Task StopAsync(TimeSpan grace) =>
        DockerCli.RunAsync(grace + Patience, "stop", "--time", ((int)grace.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), Name);

    public async Task<int> ExitCodeAsync() =>
        int.Parse(await DockerCli.RunAsync(Patience, "wait", Name), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What the container printed (the agent's log on stdout), for failure messages.</summary>
    public async Task<string> LogsAsync()
    {
        var (_, stdout, stderr) = await DockerCli.TryRunAsync(Patience, "logs", Name);
        return stdout + "\n" + stderr;
    }

    public async ValueTask DisposeAsync() => await DockerCli.TryRunAsync(Patience, "rm", "--force", "--volumes", Name);
}
