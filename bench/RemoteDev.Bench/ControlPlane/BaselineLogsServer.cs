using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RemoteDev.V1;

namespace RemoteDev.Bench.ControlPlane;

/// <summary>
/// The baseline: one raw gRPC server stream on the same runtime, carrying the same 100-byte lines the process writes
/// (stamped at send time for latency, or in 32 KiB chunks as fast as possible for throughput).
/// </summary>
internal sealed class BaselineLogsServer : Processes.ProcessesBase
{
    public const int ChunkBytes = 32 * 1024;

    public static async Task<WebApplication> StartAsync(int port)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<BaselineLogsServer>();
        await app.StartAsync();
        return app;
    }

    /// <summary>process "latency": tail_bytes lines at 1,000/s, each stamped; "bulk": tail_bytes bytes of lines at once.</summary>
    public override async Task Logs(LogsRequest request, IServerStreamWriter<LogsResponse> responseStream, ServerCallContext context)
    {
        if (request.Process == "latency")
        {
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < (int)request.TailBytes; i++)
            {
                var due = started + (long)(i * Stopwatch.Frequency / 1000.0);
                while (Stopwatch.GetTimestamp() < due)
                {
                    await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (due - Stopwatch.GetTimestamp()) * TimeSpan.TicksPerSecond / Stopwatch.Frequency)), context.CancellationToken);
                }

                await responseStream.WriteAsync(new LogsResponse { Output = new OutputChunk { Data = ByteString.CopyFrom(Lines.Stamped()) } }, context.CancellationToken);
            }

            return;
        }

        var chunk = ByteString.CopyFrom(Lines.Block(ChunkBytes));
        for (ulong sent = 0; sent < request.TailBytes; sent += ChunkBytes)
        {
            await responseStream.WriteAsync(new LogsResponse { Output = new OutputChunk { Offset = sent, Data = chunk } }, context.CancellationToken);
        }
    }
}

internal static class Lines
{
    public const int Length = 100;

    /// <summary>A 100-byte line starting with the wall clock in nanoseconds (19 digits).</summary>
    public static byte[] Stamped()
    {
        var line = new byte[Length];
        System.Text.Encoding.ASCII.GetBytes(NowNanos().ToString("D19", System.Globalization.CultureInfo.InvariantCulture)).CopyTo(line, 0);
        line.AsSpan(19, Length - 20).Fill((byte)' ');
        line[^1] = (byte)'\n';
        return line;
    }

    public static byte[] Block(int bytes)
    {
        var block = new byte[bytes];
        block.AsSpan().Fill((byte)'0');
        for (var i = Length - 1; i < bytes; i += Length)
        {
            block[i] = (byte)'\n';
        }

        return block;
    }

    public static long NowNanos() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
