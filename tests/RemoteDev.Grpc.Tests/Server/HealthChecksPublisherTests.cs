using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>A server whose ASP.NET Core health check fails, published every second.</summary>
public sealed class FailingHealthCheckServerFixture : IAsyncLifetime
{
    internal InteropTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await InteropTestServer.StartAsync(new TestServerOptions
    {
        ConfigureServices = services =>
        {
            services.AddHealthChecks().AddCheck("database", () => HealthCheckResult.Unhealthy("down"));
            services.Configure<HealthCheckPublisherOptions>(o => (o.Delay, o.Period) = (TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        },
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>ASP.NET Core health checks feed the gRPC health service's overall status.</summary>
public sealed class HealthChecksPublisherTests(FailingHealthCheckServerFixture fixture) : IClassFixture<FailingHealthCheckServerFixture>
{
    [Fact]
    public async Task Failing_health_check_turns_the_server_status_NOT_SERVING()
    {
        using var client = RawGrpc.CreateClient(fixture.Server.BaseUri);
        var request = RawGrpc.Request("/grpc.health.v1.Health/Watch", RawGrpc.Frame(new HealthCheckRequest { Service = string.Empty }));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();

        var statuses = RawMessageReader.ReadAllAsync(body).Select(HealthCheckResponse.Parser.ParseFrom).Select(r => r.Status);

        Assert.Equal(
            HealthCheckResponse.Types.ServingStatus.NotServing,
            await statuses.FirstAsync(s => s == HealthCheckResponse.Types.ServingStatus.NotServing).AsTask().WaitAsync(TestTimeouts.Observe));
    }
}
