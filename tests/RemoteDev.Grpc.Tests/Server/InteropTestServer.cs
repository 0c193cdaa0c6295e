using System.Net;
using Grpc.AspNetCore.Server;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>A real Kestrel gRPC server on 127.0.0.1 (port 0) hosting the interop service, health and reflection.</summary>
internal sealed class InteropTestServer : IAsyncDisposable
{
    public const int MaxConcurrentStreams = 1000;

    private readonly WebApplication _app;

    private InteropTestServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    public CallObserver Observer => _app.Services.GetRequiredService<CallObserver>();

    public HealthServiceImpl Health => _app.Services.GetRequiredService<HealthServiceImpl>();

    public static async Task<InteropTestServer> StartAsync(Action<GrpcServiceOptions> configureGrpc, Action<IServiceCollection> configureServices)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.Http2.MaxStreamsPerConnection = MaxConcurrentStreams;
            kestrel.ConfigureGrpcKeepAlive(new GrpcKeepAliveOptions { PingDelay = TimeSpan.FromSeconds(30), PingTimeout = TimeSpan.FromSeconds(30) });
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddSingleton<CallObserver>();
        builder.Services.AddGrpc(configureGrpc);
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddGrpcReflection();
        configureServices(builder.Services);

        var app = builder.Build();
        app.MapGrpcService<InteropService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new InteropTestServer(app, new Uri(address).Port);
    }

    public static Task<InteropTestServer> StartAsync() => StartAsync(_ => { }, _ => { });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
