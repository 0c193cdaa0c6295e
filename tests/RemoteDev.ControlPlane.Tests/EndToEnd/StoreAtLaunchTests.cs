using System.Net;
using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>
/// The control plane launched before its PostgreSQL accepts connections (compose and Kubernetes start both at once)
/// listens at once and waits for it: alive but not ready to its probes, UNAVAILABLE to API calls, and serving once
/// PostgreSQL is up; a store that cannot work (a database that does not exist) still fails the launch at once, naming
/// why.
/// </summary>
public sealed class StoreAtLaunchTests : IAsyncLifetime
{
    private static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(30);

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
        await using var cp = await LaunchWithPostgresDownAsync();

        await _postgres!.StartAsync();
        await cp.ReadyAsync();

        using var admin = new OperatorClient(cp.GrpcAddress, cp.AdminToken);
        var created = await admin.Sandboxes.CreateAsync(new CreateSandboxRequest { Name = "after-wait", Project = "p" });
        Assert.Equal("after-wait", (await admin.Sandboxes.GetAsync(new GetSandboxRequest { Id = created.Id })).Name);
    }

    [Fact]
    public async Task While_it_waits_for_postgres_its_probes_say_alive_but_not_ready()
    {
        await using var cp = await LaunchWithPostgresDownAsync();
        using var http = new HttpClient { Timeout = HttpTimeout };
        using var health = new HealthClient(cp.GrpcAddress);

        var alive = await http.GetStringAsync($"{cp.HttpAddress}/healthz");
        using var ready = await http.GetAsync($"{cp.HttpAddress}/readyz");
        var serving = await health.CheckAsync();

        Assert.Equal("ok\n", alive);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "waiting for the store\n"), (ready.StatusCode, await ready.Content.ReadAsStringAsync()));
        Assert.Equal(ServingStatus.NotServing, serving);
    }

    [Fact]
    public async Task While_it_waits_for_postgres_an_operator_call_is_UNAVAILABLE_saying_why()
    {
        await using var cp = await LaunchWithPostgresDownAsync();
        // The admin key is created once the store is up; the call is answered before its key is looked at.
        using var client = new OperatorClient(cp.GrpcAddress, "key.secret");

        var error = await Assert.ThrowsAsync<RpcException>(() => client.Sandboxes.ListAsync(new ListSandboxesRequest()).ResponseAsync);

        Assert.Equal(
            (StatusCode.Unavailable, "The control plane's store is not reachable yet; try again shortly."),
            (error.StatusCode, error.Status.Detail));
    }

    [Fact]
    public async Task Grpc_health_watched_while_it_waits_for_postgres_turns_SERVING_once_postgres_is_up()
    {
        await using var cp = await LaunchWithPostgresDownAsync();
        using var health = new HealthClient(cp.GrpcAddress);
        using var watch = health.Watch();
        var whileDown = await watch.NextAsync();

        await _postgres!.StartAsync();
        var onceUp = await watch.NextAsync();

        Assert.Equal((ServingStatus.NotServing, ServingStatus.Serving), (whileDown, onceUp));
    }

    [Fact]
    public async Task SIGTERM_while_it_waits_for_postgres_ends_it_cleanly_without_waiting_out_the_store()
    {
        await using var cp = await LaunchWithPostgresDownAsync();

        await cp.TerminateAsync();

        Assert.Equal(0, cp.ExitCode);
        Assert.DoesNotContain("gRPC on", cp.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_that_does_not_exist_fails_the_launch_at_once_naming_it()
    {
        var connection = _postgres!.ConnectionString("t_missing");
        await using var cp = ControlPlaneHost.Launch(new ControlPlaneConfig(_dataDir, connection));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(cp.ReadyAsync);

        Assert.Contains("\"t_missing\" does not exist", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not reachable yet", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, cp.ExitCode);
    }

    /// <summary>A control plane launched with its PostgreSQL down, once it logged that it waits for it.</summary>
    private async Task<ControlPlaneHost> LaunchWithPostgresDownAsync()
    {
        var connection = await _postgres!.CreateDatabaseAsync();
        await _postgres.ShutDownAsync();
        var cp = ControlPlaneHost.Launch(new ControlPlaneConfig(_dataDir, connection));
        try
        {
            await Waits.UntilAsync(() => Task.FromResult(cp.Output), output => output.Contains("The store is not reachable yet", StringComparison.Ordinal), "the wait for the store logged");
            return cp;
        }
        catch
        {
            await cp.DisposeAsync();
            throw;
        }
    }
}
