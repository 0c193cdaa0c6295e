using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RemoteDev.V1;

namespace RemoteDev.Bench.Agent;

/// <summary>A minimal control plane for the benchmark: accepts any hello, counts output per process, times lines.</summary>
internal sealed class BenchGateway : AgentGateway.AgentGatewayBase, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private WebApplication? _app;

    public LatencyRecorder Lines { get; } = new();

    public int Hellos;

    public string Url { get; private set; } = "";

    private readonly ConcurrentDictionary<string, long> _lost = new();

    public long BytesOf(string process) => _bytes.GetValueOrDefault(process);

    /// <summary>Bytes the agent reported as gaps (overwritten in its ring before they could be sent).</summary>
    public long LostOf(string process) => _lost.GetValueOrDefault(process);

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(this);
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = 16 * 1024 * 1024);
        _app = builder.Build();
        _app.MapGrpcService<BenchGateway>();
        await _app.StartAsync();
        Url = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public override async Task Connect(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
    {
        // The service instance is the singleton registered above.
        var self = context.GetHttpContext().RequestServices.GetRequiredService<BenchGateway>();
        await self.ServeAsync(requestStream, responseStream, context);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(new CancellationToken(canceled: true));
            await _app.DisposeAsync();
        }
    }

    private async Task ServeAsync(IAsyncStreamReader<AgentMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken))
        {
            return;
        }

        var ack = new HelloAck { HeartbeatInterval = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)), UsageInterval = Duration.FromTimeSpan(TimeSpan.FromSeconds(60)) };
        await responseStream.WriteAsync(new ControlMessage { HelloAck = ack });
        Interlocked.Increment(ref Hellos);
        var heartbeats = 0;
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var message = requestStream.Current;
            if (message.MsgCase == AgentMessage.MsgOneofCase.Output)
            {
                var arrived = Stopwatch.GetTimestamp();
                _bytes.AddOrUpdate(message.Output.Process, message.Output.Data.Length, (_, n) => n + message.Output.Data.Length);
                if (message.Output.Process == AgentLinkBenchmark.LinesProcess)
                {
                    Lines.Record(message.Output.Data.Span, arrived);
                }
            }
            else if (message.MsgCase == AgentMessage.MsgOneofCase.Gap)
            {
                _lost.AddOrUpdate(message.Gap.Process, (long)message.Gap.Length, (_, n) => n + (long)message.Gap.Length);
            }
            else if (message.MsgCase == AgentMessage.MsgOneofCase.Heartbeat)
            {
                heartbeats++;
                await responseStream.WriteAsync(new ControlMessage { Heartbeat = new Heartbeat() });
            }
        }
    }
}
