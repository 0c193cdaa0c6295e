using System.Diagnostics;
using Google.Protobuf;
using Grpc.Net.Client;
using RemoteDev.Grpc.Tests.Interop;
using InteropClient = RemoteDev.Grpc.Tests.Interop.Interop.InteropClient;

namespace RemoteDev.Bench.Grpc;

/// <summary>The two loads of grpc-interop, driven by our client against one server address.</summary>
internal static class ClientLoad
{
    private const int EchoMessageSize = 64 * 1024;
    private const int UnaryCallers = 64;

    /// <summary>Every call gets a deadline far beyond any measurement, so a stuck server cannot hang the benchmark.</summary>
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(60);

    /// <summary>Pipelined bidirectional echo of 64 KiB messages on one call: echoed MiB/s.</summary>
    public static async Task<double> DuplexEchoMiBPerSecondAsync(Uri address, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(address);
        using var call = new InteropClient(channel).Duplex(deadline: DateTime.UtcNow + duration + CallDeadline, cancellationToken: cancellationToken);
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[EchoMessageSize]) };
        using var stop = new CancellationTokenSource(duration);
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await call.RequestStream.WriteAsync(request);
            }

            await call.RequestStream.CompleteAsync();
        }, cancellationToken);

        long bytes = 0;
        var clock = Stopwatch.StartNew();
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            bytes += call.ResponseStream.Current.Payload.Length;
        }

        var elapsed = clock.Elapsed;
        await writer;
        return bytes / (1024.0 * 1024.0) / elapsed.TotalSeconds;
    }

    /// <summary>Small unary calls from <see cref="UnaryCallers"/> concurrent callers on one channel: calls/s.</summary>
    public static async Task<double> UnaryCallsPerSecondAsync(Uri address, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(address);
        var client = new InteropClient(channel);
        var request = new EchoRequest { Text = "ping", Payload = ByteString.CopyFrom(new byte[100]) };
        await client.UnaryAsync(request, deadline: DateTime.UtcNow + CallDeadline, cancellationToken: cancellationToken);
        using var stop = new CancellationTokenSource(duration);
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, UnaryCallers).Select(_ => Task.Run(async () =>
        {
            var calls = 0;
            while (!stop.IsCancellationRequested)
            {
                await client.UnaryAsync(request, deadline: DateTime.UtcNow + CallDeadline, cancellationToken: cancellationToken);
                calls++;
            }

            return calls;
        }, cancellationToken)));
        return counts.Sum() / clock.Elapsed.TotalSeconds;
    }
}
