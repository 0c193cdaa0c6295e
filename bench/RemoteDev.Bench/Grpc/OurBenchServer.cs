using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RemoteDev.Bench.Grpc;

/// <summary>
/// Our gRPC server (Grpc.AspNetCore.Server on cleartext HTTP/2 Kestrel) hosting <see cref="EchoBenchService"/>. The
/// benchmark runs it in a process of its own, like the other servers, so it does not share a runtime with the client.
/// </summary>
internal sealed class OurBenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OurBenchServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<OurBenchServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.Http2.MaxStreamsPerConnection = 1000;
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<EchoBenchService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new OurBenchServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>The server process: prints "PORTS port" like the peer scripts and serves until stdin closes.</summary>
    public static async Task ServeUntilStdinClosesAsync()
    {
        await using var server = await StartAsync();
        Console.WriteLine($"PORTS {server.Address.Port}");
        await Console.In.ReadToEndAsync();
    }
}
