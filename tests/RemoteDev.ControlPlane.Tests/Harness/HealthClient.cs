using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace RemoteDev.ControlPlane.Tests.Harness;

/// <summary>grpc.health.v1.Health of the control plane as a whole (service ""), as a load balancer asks it.</summary>
internal sealed class HealthClient : IDisposable
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private static readonly Marshaller<HealthCheckRequest> Requests = Marshallers.Create(r => r.ToByteArray(), HealthCheckRequest.Parser.ParseFrom);
    private static readonly Marshaller<HealthCheckResponse> Responses = Marshallers.Create(r => r.ToByteArray(), HealthCheckResponse.Parser.ParseFrom);
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> CheckMethod = new(MethodType.Unary, "grpc.health.v1.Health", "Check", Requests, Responses);
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> WatchMethod = new(MethodType.ServerStreaming, "grpc.health.v1.Health", "Watch", Requests, Responses);

    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;

    public HealthClient(string address)
    {
        _channel = GrpcChannel.ForAddress(address);
        _invoker = _channel.CreateCallInvoker();
    }

    public async Task<ServingStatus> CheckAsync()
    {
        var response = await _invoker.AsyncUnaryCall(CheckMethod, null, new CallOptions(deadline: DateTime.UtcNow + CallTimeout), new HealthCheckRequest());
        return response.Status;
    }

    /// <summary>A Watch open for <see cref="Waits.Generous"/> at most.</summary>
    public HealthWatch Watch() =>
        new(_invoker.AsyncServerStreamingCall(WatchMethod, null, new CallOptions(deadline: DateTime.UtcNow + Waits.Generous), new HealthCheckRequest()));

    public void Dispose() => _channel.Dispose();
}

/// <summary>The statuses a health Watch sends, read one at a time.</summary>
internal sealed class HealthWatch(AsyncServerStreamingCall<HealthCheckResponse> call) : IDisposable
{
    public async Task<ServingStatus> NextAsync() => await call.ResponseStream.MoveNext(CancellationToken.None)
        ? call.ResponseStream.Current.Status
        : throw new InvalidOperationException("the health watch ended");

    public async Task UntilAsync(ServingStatus status)
    {
        while (await NextAsync() != status)
        {
        }
    }

    /// <summary>Every status sent until the server ends the watch (with OK).</summary>
    public async Task<List<ServingStatus>> RestAsync() => await call.ResponseStream.ReadAllAsync().Select(r => r.Status).ToListAsync();

    public void Dispose() => call.Dispose();
}
