using System.Net;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Hosting;
using RemoteDev.ControlPlane.Reconcile;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.Testing;

namespace RemoteDev.ControlPlane.Tests.Reconcile;

/// <summary>
/// /readyz and the gRPC health of the server (service "") tell an orchestrator whether to send traffic: 503
/// "recovering" and NOT_SERVING while the store fails the recovery of sandboxes at start, 200 "ready" and SERVING once
/// it succeeded, 503 "stopping" and NOT_SERVING from the moment the application starts stopping; /healthz answers "ok"
/// throughout, the process being alive.
/// </summary>
public sealed class ReadinessEndpointTests : ReconcilerTestBase
{
    private static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(30);

    private WebApplication? _app;

    public override async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task Readyz_answers_recovering_until_the_reconciler_recovered_then_ready_while_healthz_answers_ok()
    {
        var faulty = new FaultySandboxStore(Store.Sandboxes);
        faulty.FailEveryCall(nameof(ISandboxStore.ListAsync));
        var port = FreePort.Next();
        var app = await StartAppAsync(faulty, port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = HttpTimeout };
        using var recovering = await http.GetAsync("/readyz");
        var health = await http.GetStringAsync("/healthz");

        faulty.StopFailing(nameof(ISandboxStore.ListAsync));
        await app.Services.GetRequiredService<ReconcilerHost>().Started.WaitAsync(Patience);
        using var ready = await http.GetAsync("/readyz");

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "recovering\n"), (recovering.StatusCode, await recovering.Content.ReadAsStringAsync()));
        Assert.Equal("ok\n", health);
        Assert.Equal((HttpStatusCode.OK, "ready\n"), (ready.StatusCode, await ready.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Grpc_health_of_the_server_is_NOT_SERVING_while_recovering_and_SERVING_once_recovered()
    {
        var faulty = new FaultySandboxStore(Store.Sandboxes);
        faulty.FailEveryCall(nameof(ISandboxStore.ListAsync));
        var app = await StartAppAsync(faulty, FreePort.Next());
        var recovering = await ServerHealthAsync(app);

        faulty.StopFailing(nameof(ISandboxStore.ListAsync));
        var recovered = await Waits.UntilAsync(() => ServerHealthAsync(app), s => s == HealthCheckResponse.Types.ServingStatus.Serving, "SERVING once recovered");

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, recovering);
        Assert.True(app.Services.GetRequiredService<ReconcilerHost>().Started.IsCompletedSuccessfully, $"health said {recovered} before the reconciler recovered");
    }

    [Fact]
    public async Task Once_the_application_starts_stopping_readyz_says_stopping_and_grpc_health_NOT_SERVING_while_healthz_says_ok()
    {
        var port = FreePort.Next();
        var app = await StartAppAsync(Store.Sandboxes, port);
        await app.Services.GetRequiredService<ReconcilerHost>().Started.WaitAsync(Patience);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = HttpTimeout };
        using var ready = await http.GetAsync("/readyz");

        // Signals stopping only: the host stops when the test disposes it, so the endpoints still answer meanwhile.
        app.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        using var stopping = await http.GetAsync("/readyz");
        var health = await http.GetStringAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "stopping\n"), (stopping.StatusCode, await stopping.Content.ReadAsStringAsync()));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await ServerHealthAsync(app));
        Assert.Equal("ok\n", health);
    }

    /// <summary>What the gRPC health service answers for the server as a whole (its Check never reads the call context).</summary>
    private static async Task<HealthCheckResponse.Types.ServingStatus> ServerHealthAsync(WebApplication app)
    {
        var response = await app.Services.GetRequiredService<HealthServiceImpl>().Check(new HealthCheckRequest { Service = string.Empty }, null!);
        return response.Status;
    }

    /// <summary>The control plane's services and HTTP endpoints on a loopback port, without gRPC, its store up.</summary>
    private async Task<WebApplication> StartAppAsync(ISandboxStore sandboxes, int port)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http1));
        BackgroundServices.Register(builder.Services, Store, sandboxes, await OptionsAsync(), Logs);
        _app = builder.Build();
        HttpEndpoints.Map(_app, _app.Services.GetRequiredService<Readiness>(), port);
        _app.Services.GetRequiredService<StoreGate>().Open();
        await _app.StartAsync();
        return _app;
    }

    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Sqlite(dataDirectory);
}
