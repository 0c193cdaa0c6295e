using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

internal sealed class UnaryCallHandler<TService, TRequest, TResponse> : ServerCallHandler<TService, TRequest, TResponse>
    where TService : class
    where TRequest : class
    where TResponse : class
{
    private readonly UnaryServerMethod<TRequest, TResponse> _pipeline;

    public UnaryCallHandler(Method<TRequest, TResponse> method, CallHandlerSettings settings, ServiceActivator<TService> activator, Func<TService, TRequest, ServerCallContext, Task<TResponse>> invoker)
        : base(method, settings)
    {
        _pipeline = InterceptorPipeline.Unary<TRequest, TResponse>(settings.Interceptors, async (request, context) =>
        {
            var service = activator.Create(context.GetHttpContext().RequestServices);
            try
            {
                return await invoker(service.Instance, request, context);
            }
            finally
            {
                await service.ReleaseAsync();
            }
        });
    }

    protected override async Task HandleCallCoreAsync(HttpServerCallContext call)
    {
        var request = await call.Reader.ReadSingleMessageAsync(Method.RequestMarshaller.ContextualDeserializer, call.CancellationToken);
        var response = await _pipeline(request, call);
        await call.WriteMessageAsync(response ?? throw NoResponse(), Method.ResponseMarshaller.ContextualSerializer, call.WriteOptions, bufferable: false, CancellationToken.None);
    }

    internal static RpcException NoResponse() => new(new Status(StatusCode.Cancelled, "No message returned from method."));
}

internal sealed class ClientStreamingCallHandler<TService, TRequest, TResponse> : ServerCallHandler<TService, TRequest, TResponse>
    where TService : class
    where TRequest : class
    where TResponse : class
{
    private readonly ClientStreamingServerMethod<TRequest, TResponse> _pipeline;

    public ClientStreamingCallHandler(Method<TRequest, TResponse> method, CallHandlerSettings settings, ServiceActivator<TService> activator, Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> invoker)
        : base(method, settings)
    {
        _pipeline = InterceptorPipeline.ClientStreaming<TRequest, TResponse>(settings.Interceptors, async (requests, context) =>
        {
            var service = activator.Create(context.GetHttpContext().RequestServices);
            try
            {
                return await invoker(service.Instance, requests, context);
            }
            finally
            {
                await service.ReleaseAsync();
            }
        });
    }

    protected override async Task HandleCallCoreAsync(HttpServerCallContext call)
    {
        var requests = new HttpStreamReader<TRequest>(call, Method.RequestMarshaller.ContextualDeserializer);
        var response = await _pipeline(requests, call);
        await call.WriteMessageAsync(response ?? throw UnaryCallHandler<TService, TRequest, TResponse>.NoResponse(), Method.ResponseMarshaller.ContextualSerializer, call.WriteOptions, bufferable: false, CancellationToken.None);
    }
}

internal sealed class ServerStreamingCallHandler<TService, TRequest, TResponse> : ServerCallHandler<TService, TRequest, TResponse>
    where TService : class
    where TRequest : class
    where TResponse : class
{
    private readonly ServerStreamingServerMethod<TRequest, TResponse> _pipeline;

    public ServerStreamingCallHandler(Method<TRequest, TResponse> method, CallHandlerSettings settings, ServiceActivator<TService> activator, Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> invoker)
        : base(method, settings)
    {
        _pipeline = InterceptorPipeline.ServerStreaming<TRequest, TResponse>(settings.Interceptors, async (request, responses, context) =>
        {
            var service = activator.Create(context.GetHttpContext().RequestServices);
            try
            {
                await invoker(service.Instance, request, responses, context);
            }
            finally
            {
                await service.ReleaseAsync();
            }
        });
    }

    protected override async Task HandleCallCoreAsync(HttpServerCallContext call)
    {
        var request = await call.Reader.ReadSingleMessageAsync(Method.RequestMarshaller.ContextualDeserializer, call.CancellationToken);
        await _pipeline(request, new HttpStreamWriter<TResponse>(call, Method.ResponseMarshaller.ContextualSerializer), call);
    }
}

internal sealed class DuplexStreamingCallHandler<TService, TRequest, TResponse> : ServerCallHandler<TService, TRequest, TResponse>
    where TService : class
    where TRequest : class
    where TResponse : class
{
    private readonly DuplexStreamingServerMethod<TRequest, TResponse> _pipeline;

    public DuplexStreamingCallHandler(Method<TRequest, TResponse> method, CallHandlerSettings settings, ServiceActivator<TService> activator, Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> invoker)
        : base(method, settings)
    {
        _pipeline = InterceptorPipeline.Duplex<TRequest, TResponse>(settings.Interceptors, async (requests, responses, context) =>
        {
            var service = activator.Create(context.GetHttpContext().RequestServices);
            try
            {
                await invoker(service.Instance, requests, responses, context);
            }
            finally
            {
                await service.ReleaseAsync();
            }
        });
    }

    protected override Task HandleCallCoreAsync(HttpServerCallContext call) =>
        _pipeline(
            new HttpStreamReader<TRequest>(call, Method.RequestMarshaller.ContextualDeserializer),
            new HttpStreamWriter<TResponse>(call, Method.ResponseMarshaller.ContextualSerializer),
            call);
}
