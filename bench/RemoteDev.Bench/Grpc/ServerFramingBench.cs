using System.Buffers;
using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RemoteDev.Bench.Grpc;

/// <summary>
/// Our gRPC server's duplex echo against a plain Kestrel HTTP/2 echo endpoint (same server, no gRPC framing),
/// both driven by the same raw HttpClient driver with a bounded window of messages in flight.
/// </summary>
internal sealed class ServerFramingBench : IBenchmark
{
    private const int Rounds = 5;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan Measure = TimeSpan.FromSeconds(2);
    private static readonly int[] MessageSizes = [64 * 1024, 1024];

    public string Name => "grpc-framing";

    public string Description => "gRPC duplex echo vs plain HTTP/2 echo on Kestrel (MiB/s, ratio)";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        await using var app = await StartServerAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        using var client = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = Timeout.InfiniteTimeSpan,
        };

        Console.WriteLine("Medians of 5 alternating rounds; ratios are medians of the per-round ratios (gRPC / plain).");
        Console.WriteLine($"{"message",-8} {"plain MiB/s",12} {"gRPC MiB/s",11} {"ratio",7}   {"plain CPU ms/MiB",17} {"gRPC CPU ms/MiB",16} {"ratio",7}");
        foreach (var size in MessageSizes)
        {
            var plain = new List<EchoResult>();
            var grpc = new List<EchoResult>();
            for (var round = 0; round < Rounds; round++)
            {
                plain.Add(await EchoDriver.RunAsync(client, EchoDriver.Mode.Plain, size, Warmup, Measure, cancellationToken));
                grpc.Add(await EchoDriver.RunAsync(client, EchoDriver.Mode.Grpc, size, Warmup, Measure, cancellationToken));
            }

            var speedRatio = Median(plain.Zip(grpc, (p, g) => g.MiBPerSecond / p.MiBPerSecond));
            var cpuRatio = Median(plain.Zip(grpc, (p, g) => g.CpuMsPerMiB / p.CpuMsPerMiB));
            Console.WriteLine(
                $"{size / 1024 + " KiB",-8} {Median(plain.Select(r => r.MiBPerSecond)),12:F1} {Median(grpc.Select(r => r.MiBPerSecond)),11:F1} {speedRatio,7:P0}   " +
                $"{Median(plain.Select(r => r.CpuMsPerMiB)),17:F2} {Median(grpc.Select(r => r.CpuMsPerMiB)),16:F2} {cpuRatio,7:P0}");
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static async Task<WebApplication> StartServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        app.MapPost(EchoDriver.PlainPath, PlainEchoAsync);
        await app.StartAsync();
        return app;
    }

    /// <summary>The baseline: copies what each read returns from the request body to the response body, then flushes.</summary>
    private static async Task PlainEchoAsync(HttpContext context)
    {
        context.Features.Get<IHttpMaxRequestBodySizeFeature>()!.MaxRequestBodySize = null;
        context.Response.ContentType = "application/octet-stream";
        await context.Response.BodyWriter.FlushAsync();
        var reader = context.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                context.Response.BodyWriter.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            await context.Response.BodyWriter.FlushAsync();
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>A hand-bound duplex echo service over byte[] messages (what Grpc.Tools would generate for bytes).</summary>
    [BindServiceMethod(typeof(EchoService), nameof(BindService))]
    internal class EchoService
    {
        private static readonly Marshaller<byte[]> Bytes = Marshallers.Create<byte[]>(
            (message, context) =>
            {
                context.SetPayloadLength(message.Length);
                context.GetBufferWriter().Write(message);
                context.Complete();
            },
            (Func<DeserializationContext, byte[]>)(context => context.PayloadAsNewBuffer()));

        private static readonly Method<byte[], byte[]> EchoMethod = new(MethodType.DuplexStreaming, EchoDriver.GrpcService, EchoDriver.GrpcMethod, Bytes, Bytes);

        public static void BindService(ServiceBinderBase binder, EchoService? service) =>
            binder.AddMethod(EchoMethod, (DuplexStreamingServerMethod<byte[], byte[]>?)null);

        public virtual async Task Echo(IAsyncStreamReader<byte[]> requestStream, IServerStreamWriter<byte[]> responseStream, ServerCallContext context)
        {
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                await responseStream.WriteAsync(requestStream.Current, context.CancellationToken);
            }
        }
    }
}
