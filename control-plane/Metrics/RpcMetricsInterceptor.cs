using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RemoteDev.ControlPlane.Metrics;

/// <summary>Times every server call into the RPC latency histogram.</summary>
internal sealed class RpcMetricsInterceptor(ControlPlaneMetrics metrics) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await continuation(request, context);
        }
        finally
        {
            metrics.ObserveRpc(context.Method, Stopwatch.GetElapsedTime(started));
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await continuation(request, responseStream, context);
        }
        finally
        {
            metrics.ObserveRpc(context.Method, Stopwatch.GetElapsedTime(started));
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        finally
        {
            metrics.ObserveRpc(context.Method, Stopwatch.GetElapsedTime(started));
        }
    }
}
