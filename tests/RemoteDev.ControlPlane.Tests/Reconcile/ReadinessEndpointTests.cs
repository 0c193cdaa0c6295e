using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Hosting;
using RemoteDev.ControlPlane.Reconcile;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.Testing;

namespace RemoteDev.ControlPlane.Tests.Reconcile;

/// <summary>
/// /readyz tells an orchestrator whether the control plane recovered its sandboxes at start: 503 "recovering" while
/// the store fails it, 200 "ready" once it succeeded; /healthz answers "ok" throughout, the process being alive.
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
