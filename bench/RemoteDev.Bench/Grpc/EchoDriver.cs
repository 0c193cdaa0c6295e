using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace RemoteDev.Bench.Grpc;

/// <summary>
/// Streams messages up one HTTP/2 request and reads them back from the response, keeping at most
/// <see cref="Window"/> messages in flight; gRPC mode adds the 5-byte length prefix to each message.
/// </summary>
internal static class EchoDriver
{
    public const int Window = 8;
    public const string PlainPath = "/plain/echo";
    public const string GrpcService = "bench.Echo";
    public const string GrpcMethod = "Echo";

    public enum Mode
    {
        Plain,
        Grpc,
    }

    /// <summary>
    /// Echoed payload throughput (MiB/s each direction) and the process CPU time spent per MiB (client and server are in
    /// this process), over the measured period. CPU per MiB holds up better than MiB/s on a shared, loaded machine.
    /// </summary>
    public static async Task<EchoResult> RunAsync(HttpClient client, Mode mode, int messageSize, TimeSpan warmup, TimeSpan measure, CancellationToken cancellationToken)
    {
        var frameSize = mode == Mode.Grpc ? messageSize + 5 : messageSize;
        var frame = new byte[frameSize];
        if (mode == Mode.Grpc)
        {
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)messageSize);
        }

        using var window = new SemaphoreSlim(Window, Window);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var content = new WindowedContent(frame, window, stop.Token);
        content.Headers.ContentType = new MediaTypeHeaderValue(mode == Mode.Grpc ? "application/grpc" : "application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, mode == Mode.Grpc ? $"/{GrpcService}/{GrpcMethod}" : PlainPath)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);

        var buffer = new byte[256 * 1024];
        long received = 0;
        long measuredStart = -1;
        var clock = Stopwatch.StartNew();
        var measuredTicks = 0L;
        var cpuAtStart = TimeSpan.Zero;
        while (true)
        {
            var read = await body.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            var before = received / frameSize;
            received += read;
            var completed = (int)(received / frameSize - before);
            if (completed > 0 && !stop.IsCancellationRequested)
            {
                window.Release(completed);
            }

            if (measuredStart < 0 && clock.Elapsed >= warmup)
            {
                measuredStart = received;
                measuredTicks = clock.ElapsedTicks;
                cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            }

            if (measuredStart >= 0 && clock.Elapsed >= warmup + measure && !stop.IsCancellationRequested)
            {
                var seconds = (double)(clock.ElapsedTicks - measuredTicks) / Stopwatch.Frequency;
                var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
                var mebibytes = (received - measuredStart) * messageSize / (double)frameSize / (1024.0 * 1024.0);
                await stop.CancelAsync();
                content.Result = new EchoResult(mebibytes / seconds, cpu.TotalMilliseconds / mebibytes);
            }
        }

        return content.Result;
    }

    /// <summary>The request body: writes one frame per free window slot until stopped, then ends the stream.</summary>
    private sealed class WindowedContent(byte[] frame, SemaphoreSlim window, CancellationToken stop) : HttpContent
    {
        public EchoResult Result { get; set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.FlushAsync(CancellationToken.None);
            try
            {
                while (true)
                {
                    await window.WaitAsync(stop);
                    await stream.WriteAsync(frame, stop);
                    await stream.FlushAsync(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Measurement over: end the request stream so the server finishes the call.
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <param name="MiBPerSecond">Payload echoed per second, each direction.</param>
/// <param name="CpuMsPerMiB">Process CPU milliseconds per MiB echoed.</param>
internal readonly record struct EchoResult(double MiBPerSecond, double CpuMsPerMiB);
