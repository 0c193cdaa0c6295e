using System.Net;
using Grpc.AspNetCore.Server;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
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

    /// <summary>A second, HTTP/1.1-only endpoint of the same app, when requested.</summary>
    public int? Http1Port { get; private init; }

    public string Address => $"127.0.0.1:{Port}";

    public Uri BaseUri => new($"http://127.0.0.1:{Port}");

    public CallObserver Observer => _app.Services.GetRequiredService<CallObserver>();

    public HealthServiceImpl Health => _app.Services.GetRequiredService<HealthServiceImpl>();

    /// <summary>The default server (also used by the client tests).</summary>
    public static Task<InteropTestServer> StartAsync() => StartAsync(new TestServerOptions());

    public static async Task<InteropTestServer> StartAsync(TestServerOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.Http2.MaxStreamsPerConnection = MaxConcurrentStreams;
            kestrel.ConfigureGrpcKeepAlive(options.KeepAlive);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            if (options.WithHttp1Endpoint)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });
        builder.Services.AddSingleton<CallObserver>();
        builder.Services.AddGrpc(options.ConfigureGrpc);
        builder.Services.AddGrpcHealthChecks();
        builder.Services.AddGrpcReflection();
        options.ConfigureServices(builder.Services);

        var app = builder.Build();
        app.MapGrpcService<InteropService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        options.MapServices(app);
        await app.StartAsync();
        var ports = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a).Port).ToList();
        return new InteropTestServer(app, ports[0]) { Http1Port = options.WithHttp1Endpoint ? ports[1] : null };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>How a test server differs from the default.</summary>
internal sealed record TestServerOptions
{
    public Action<GrpcServiceOptions> ConfigureGrpc { get; init; } = _ => { };

    public Action<IServiceCollection> ConfigureServices { get; init; } = _ => { };

    public GrpcKeepAliveOptions KeepAlive { get; init; } = new() { PingDelay = TimeSpan.FromSeconds(30), PingTimeout = TimeSpan.FromSeconds(30) };

    public bool WithHttp1Endpoint { get; init; }

    /// <summary>Maps more services next to the interop, health and reflection services.</summary>
    public Action<IEndpointRouteBuilder> MapServices { get; init; } = _ => { };
}
