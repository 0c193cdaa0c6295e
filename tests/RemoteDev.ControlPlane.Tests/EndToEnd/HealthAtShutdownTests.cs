using RemoteDev.ControlPlane.Tests.Harness;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>A control plane told to stop says NOT_SERVING to its health watchers first, so load balancers drain it.</summary>
public sealed class HealthAtShutdownTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "rdhealth-" + Guid.NewGuid().ToString("N")[..8]);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        ControlPlaneHost.CleanUp(_dataDir);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_health_watch_open_across_SIGTERM_sees_NOT_SERVING_before_its_stream_ends()
    {
        await using var cp = await ControlPlaneHost.StartAsync(new ControlPlaneConfig(_dataDir, null));
        using var health = new HealthClient(cp.GrpcAddress);
        using var watch = health.Watch();
        await watch.UntilAsync(ServingStatus.Serving);

        var terminated = cp.TerminateAsync();
        var afterSigterm = await watch.RestAsync();
        await terminated;

        Assert.Equal([ServingStatus.NotServing], afterSigterm);
    }
}
