using Grpc.Core;
using Grpc.Core.Interceptors;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>
/// Adds trailer "x-enter: NAME" on entry; denies the call when header "x-deny" names it and throws a plain exception
/// when "x-throw" names it.
/// </summary>
internal sealed class RecordingInterceptor(string name) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Enter(context);
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Enter(context);
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Enter(context);
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Enter(context);
        await continuation(requestStream, responseStream, context);
    }

    private void Enter(ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue("x-deny") == name)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"denied by {name}"));
        }

        if (context.RequestHeaders.GetValue("x-throw") == name)
        {
            throw new InvalidOperationException($"boom in {name}");
        }

        context.ResponseTrailers.Add("x-enter", name);
    }
}
