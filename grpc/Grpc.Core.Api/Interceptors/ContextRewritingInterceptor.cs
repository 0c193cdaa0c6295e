namespace Grpc.Core.Interceptors;

/// <summary>A client interceptor that only changes the method, host or options of every call shape alike.</summary>
internal abstract class ContextRewritingInterceptor : Interceptor
{
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Rewrite(context));

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Rewrite(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Rewrite(context));

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(Rewrite(context));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(Rewrite(context));

    protected abstract ClientInterceptorContext<TRequest, TResponse> Rewrite<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class;
}

/// <summary>Sends every call with a fixed :authority (<see cref="ClientBase{T}.WithHost"/>).</summary>
internal sealed class HostOverrideInterceptor(string host) : ContextRewritingInterceptor
{
    protected override ClientInterceptorContext<TRequest, TResponse> Rewrite<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context) =>
        new(context.Method, host, context.Options);
}

/// <summary>Lets a function add headers to every call.</summary>
internal sealed class MetadataInterceptor(Func<Metadata, Metadata> addHeaders) : ContextRewritingInterceptor
{
    protected override ClientInterceptorContext<TRequest, TResponse> Rewrite<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
    {
        var headers = new Metadata();
        foreach (var entry in context.Options.Headers ?? Metadata.Empty)
        {
            headers.Add(entry);
        }

        return new(context.Method, context.Host, context.Options.WithHeaders(addHeaders(headers)));
    }
}
