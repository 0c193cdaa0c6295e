using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Wraps a handler in the server interceptors; the first registered runs outermost. Interceptors are created per call.</summary>
internal static class InterceptorPipeline
{
    public static UnaryServerMethod<TRequest, TResponse> Unary<TRequest, TResponse>(IReadOnlyList<InterceptorActivator> interceptors, UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class
        where TResponse : class
    {
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var (activator, next) = (interceptors[i], handler);
            handler = async (request, context) =>
            {
                var interceptor = activator.Create(context.GetHttpContext().RequestServices);
                try
                {
                    return await interceptor.Instance.UnaryServerHandler(request, context, next);
                }
                finally
                {
                    await interceptor.ReleaseAsync();
                }
            };
        }

        return handler;
    }

    public static ClientStreamingServerMethod<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(IReadOnlyList<InterceptorActivator> interceptors, ClientStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class
        where TResponse : class
    {
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var (activator, next) = (interceptors[i], handler);
            handler = async (requests, context) =>
            {
                var interceptor = activator.Create(context.GetHttpContext().RequestServices);
                try
                {
                    return await interceptor.Instance.ClientStreamingServerHandler(requests, context, next);
                }
                finally
                {
                    await interceptor.ReleaseAsync();
                }
            };
        }

        return handler;
    }

    public static ServerStreamingServerMethod<TRequest, TResponse> ServerStreaming<TRequest, TResponse>(IReadOnlyList<InterceptorActivator> interceptors, ServerStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class
        where TResponse : class
    {
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var (activator, next) = (interceptors[i], handler);
            handler = async (request, responses, context) =>
            {
                var interceptor = activator.Create(context.GetHttpContext().RequestServices);
                try
                {
                    await interceptor.Instance.ServerStreamingServerHandler(request, responses, context, next);
                }
                finally
                {
                    await interceptor.ReleaseAsync();
                }
            };
        }

        return handler;
    }

    public static DuplexStreamingServerMethod<TRequest, TResponse> Duplex<TRequest, TResponse>(IReadOnlyList<InterceptorActivator> interceptors, DuplexStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class
        where TResponse : class
    {
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var (activator, next) = (interceptors[i], handler);
            handler = async (requests, responses, context) =>
            {
                var interceptor = activator.Create(context.GetHttpContext().RequestServices);
                try
                {
                    await interceptor.Instance.DuplexStreamingServerHandler(requests, responses, context, next);
                }
                finally
                {
                    await interceptor.ReleaseAsync();
                }
            };
        }

        return handler;
    }
}
