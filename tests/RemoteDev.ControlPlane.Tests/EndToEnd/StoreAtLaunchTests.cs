using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>
/// The control plane launched before its PostgreSQL accepts connections (compose and Kubernetes start both at once)
/// waits for it and then serves; a store that cannot work (a database that does not exist) still fails the launch at
/// once, naming why.
/// </summary>
public sealed class StoreAtLaunchTests : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "rdstore-" + Guid.NewGuid().ToString("N")[..8]);
    private PostgresServer? _postgres;

    public async Task InitializeAsync() => _postgres = await PostgresServer.StartNewAsync(durable: false);

    public async Task DisposeAsync()
    {
        ControlPlaneHost.CleanUp(_dataDir);
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    [Fact]
    public async Task Launched_while_postgres_is_down_it_waits_and_serves_once_postgres_is_up()
    {
        var connection = await _postgres!.CreateDatabaseAsync();
        await _postgres.ShutDownAsync();
        await using var cp = ControlPlaneHost.Launch(new ControlPlaneConfig(_dataDir, connection));
        await Waits.UntilAsync(() => Task.FromResult(cp.Output), output => output.Contains("The store is not reachable yet", StringComparison.Ordinal), "the wait for the store logged");

        await _postgres.StartAsync();
        await cp.ReadyAsync();

        using var admin = new OperatorClient(cp.GrpcAddress, cp.AdminToken);
        var created = await admin.Sandboxes.CreateAsync(new CreateSandboxRequest { Name = "after-wait", Project = "p" });
        Assert.Equal("after-wait", (await admin.Sandboxes.GetAsync(new GetSandboxRequest { Id = created.Id })).Name);
    }

    [Fact]
    public async Task A_database_that_does_not_exist_fails_the_launch_at_once_naming_it()
    {
        var connection = _postgres!.ConnectionString("t_missing");
        await using var cp = ControlPlaneHost.Launch(new ControlPlaneConfig(_dataDir, connection));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(cp.ReadyAsync);

        Assert.Contains("\"t_missing\" does not exist", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not reachable yet", error.Message, StringComparison.Ordinal);
    }
}
