using RemoteDev.Agent.Tests.Infrastructure;

namespace RemoteDev.Agent.Tests.Image;

/// <summary>
/// The sandbox image built from the repository's Dockerfile.sandbox, with the agent as it ships, on the Debian base
/// scripts/docker-up makes with debootstrap (no image can be pulled here). Built without network: the package stage,
/// the one step that downloads, comes from docker's cache, filled by scripts/docker-up. Removed after the test class.
/// </summary>
public sealed class SandboxImage : IAsyncLifetime
{
    public const string BaseImage = "remotedev-base:bookworm";

    /// <summary>The image's package stage, built on <see cref="BaseImage"/> by scripts/docker-up.</summary>
    public const string PackagesImage = "remotedev-sandbox-packages:bookworm";

    public string Tag { get; } = "remotedev-test/sandbox:" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
    {
        foreach (var prepared in new[] { BaseImage, PackagesImage })
        {
            var (code, _, stderr) = await DockerCli.TryRunAsync(TimeSpan.FromSeconds(30), "image", "inspect", prepared);
            if (code != 0)
            {
                throw new InvalidOperationException($"{prepared} is missing ({stderr}): run scripts/docker-up");
            }
        }

        var root = AgentProcess.RepoRoot();
        await DockerCli.RunAsync(TimeSpan.FromMinutes(10),
            "build", "--network", "none", "--build-arg", "BASE_IMAGE=" + BaseImage,
            "-f", Path.Combine(root, "Dockerfile.sandbox"), "-t", Tag, root);
    }

    public async Task DisposeAsync() =>
        await DockerCli.TryRunAsync(TimeSpan.FromMinutes(1), "image", "rm", "--force", Tag);
}
