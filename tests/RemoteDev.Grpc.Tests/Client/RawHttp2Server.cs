using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RemoteDev.Grpc.Tests.Client;

/// <summary>
/// A cleartext HTTP/2 Kestrel server that is not a gRPC server: "/status/{code}" answers with that HTTP status,
/// "/odd/..." answers UNKNOWN with headers metadata cannot carry (next to "x-ok"), "/empty/..." answers OK without a message, "/garbage/..." answers OK with a message that is not protobuf, "/message/..." answers UNKNOWN with the request's x-message header as
/// grpc-message, any other path records the request (headers and first body byte) and answers trailers-only
/// UNIMPLEMENTED.
/// </summary>
public sealed class RawHttp2Server : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, RecordedRequest> _requests = new();
    private WebApplication _app = null!;

    public Uri Address { get; private set; } = null!;

    public RecordedRequest Recorded(string path) => _requests[path];

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.ResponseHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
            o.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
        });
        _app = builder.Build();
        _app.MapPost("/status/{code:int}", (int code) => Results.StatusCode(code));
        _app.MapPost("/empty/{**path}", async context =>
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.FlushAsync();
            context.Response.AppendTrailer("grpc-status", "0");
        });
        _app.MapPost("/odd/{**path}", context =>
        {
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "2";
            context.Response.Headers["x-ok"] = "fine";
            context.Response.Headers["x-latin"] = "caf\u00e9";
            context.Response.Headers["x-broken-bin"] = "!!not base64!!";
            return Task.CompletedTask;
        });
        _app.MapPost("/garbage/{**path}", async context =>
        {
            context.Response.ContentType = "application/grpc";
            await context.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF });
            context.Response.AppendTrailer("grpc-status", "0");
        });
        _app.MapPost("/message/{**path}", context =>
        {
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "2";
            context.Response.Headers["grpc-message"] = context.Request.Headers["x-message"].ToString();
            return Task.CompletedTask;
        });
        _app.MapPost("/{**path}", async context =>
        {
            var body = new byte[1];
            var read = await context.Request.Body.ReadAtLeastAsync(body, 1, throwOnEndOfStream: false);
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            _requests[context.Request.Path.Value!] = new RecordedRequest(headers, read == 1 ? body[0] : null);
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "12";
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Address = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>What <see cref="RawHttp2Server"/> saw of one request.</summary>
public sealed record RecordedRequest(IReadOnlyDictionary<string, string> Headers, byte? FirstBodyByte);
