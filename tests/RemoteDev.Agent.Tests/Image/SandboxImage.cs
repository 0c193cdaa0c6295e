using RemoteDev.Agent.Tests.Infrastructure;

namespace RemoteDev.Agent.Tests.Image;

/// <summary>
/// The sandbox image built from the repository's Dockerfile.sandbox, with the agent as it ships, on the Debian base
/// scripts/docker-up makes with debootstrap (no image can be pulled here). Removed again after the test class; docker
/// keeps the layers, so a second build costs seconds.
/// </summary>
public sealed class SandboxImage : IAsyncLifetime
{
    public const string BaseImage = "remotedev-base:bookworm";

    public string Tag { get; } = "remotedev-test/sandbox:" + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
    {
        var (code, _, stderr) = await DockerCli.TryRunAsync(TimeSpan.FromSeconds(30), "image", "inspect", BaseImage);
        if (code != 0)
        {
            throw new InvalidOperationException($"base image {BaseImage} is missing ({stderr}): run scripts/docker-up");
        }

        var root = AgentProcess.RepoRoot();
        await DockerCli.RunAsync(TimeSpan.FromMinutes(10),
            "build", "--network", "host", "--build-arg", "BASE_IMAGE=" + BaseImage,
            "-f", Path.Combine(root, "Dockerfile.sandbox"), "-t", Tag, root);
    }

    public async Task DisposeAsync() =>
        await DockerCli.TryRunAsync(TimeSpan.FromMinutes(1), "image", "rm", "--force", Tag);
}
