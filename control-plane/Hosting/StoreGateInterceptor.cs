using Grpc.Core;
using Grpc.Core.Interceptors;
using RemoteDev.ControlPlane.Auth;
using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Hosting;

/// <summary>
/// Until the store is up at launch (<see cref="StoreGate"/>), answers every call but health and reflection UNAVAILABLE,
/// the status gRPC clients retry: operators and agents dialling in meanwhile try again later instead of reaching a
/// store that is not there yet. Runs before authentication, which needs the store.
/// </summary>
internal sealed class StoreGateInterceptor(StoreGate gate) : Interceptor
{
    private const string NotReachable = "The control plane's store is not reachable yet; try again shortly.";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        EnsureOpen(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        EnsureOpen(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        EnsureOpen(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        EnsureOpen(context);
        return continuation(requestStream, responseStream, context);
    }

    private void EnsureOpen(ServerCallContext context)
    {
        if (!gate.IsOpen && MethodScopes.For(context.Method).Access != MethodAccess.Public)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, NotReachable));
        }
    }
}
