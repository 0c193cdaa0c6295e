using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RemoteDev.Agent.Tests.Infrastructure;

/// <summary>
/// A control plane for tests on Kestrel at 127.0.0.1. <see cref="CrashAsync"/> aborts every connection and stops the
/// server at once (what a kill -9 looks like to the agent); <see cref="RestartAsync"/> brings up a new server on the
/// same port with the same stored state.
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private readonly ConcurrentDictionary<HttpContext, byte> _calls = new();
    private WebApplication? _app;

    private TestGateway(GatewayState state)
    {
        State = state;
    }

    public GatewayState State { get; }

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}";

    public static async Task<TestGateway> StartAsync(GatewayState state)
    {
        var gateway = new TestGateway(state);
        await gateway.ListenAsync(0);
        return gateway;
    }

    public async Task CrashAsync()
    {
        var app = _app!;
        _app = null;
        foreach (var call in _calls.Keys)
        {
            call.Abort();
        }

        await app.StopAsync(new CancellationToken(canceled: true));
        await app.DisposeAsync();
    }

    public Task RestartAsync() => ListenAsync(Port);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await CrashAsync();
        }
    }

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(State);
        builder.Services.AddSingleton(_calls);
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 16 * 1024 * 1024);
        var app = builder.Build();
        app.MapGrpcService<GatewayService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Port = new Uri(address).Port;
        _app = app;
    }
}
