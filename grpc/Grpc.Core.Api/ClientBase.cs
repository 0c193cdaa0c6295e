using Grpc.Core.Interceptors;

namespace Grpc.Core;

/// <summary>Base of generated clients that can make copies of themselves with another host.</summary>
public abstract class ClientBase<T> : ClientBase
    where T : ClientBase<T>
{
    protected ClientBase()
    {
    }

    protected ClientBase(ClientBaseConfiguration configuration)
        : base(configuration)
    {
    }

    protected ClientBase(ChannelBase channel)
        : base(channel)
    {
    }

    protected ClientBase(CallInvoker callInvoker)
        : base(callInvoker)
    {
    }

    /// <summary>A copy of this client that sends every call with <paramref name="host"/> as :authority.</summary>
    public T WithHost(string host)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        return NewInstance(Configuration.WithHost(host));
    }

    protected abstract T NewInstance(ClientBaseConfiguration configuration);
}

/// <summary>Base of generated clients.</summary>
public abstract class ClientBase
{
    /// <summary>For test doubles that override every call.</summary>
    protected ClientBase()
        : this(new ClientBaseConfiguration(new TestDoubleCallInvoker(), null))
    {
    }

    protected ClientBase(ChannelBase channel)
        : this((channel ?? throw new ArgumentNullException(nameof(channel))).CreateCallInvoker())
    {
    }

    protected ClientBase(CallInvoker callInvoker)
        : this(new ClientBaseConfiguration(callInvoker ?? throw new ArgumentNullException(nameof(callInvoker)), null))
    {
    }

    protected ClientBase(ClientBaseConfiguration configuration)
    {
        Configuration = configuration ?? throw new ArgumentNullException(nameof(configuration));
        CallInvoker = configuration.CreateDecoratedCallInvoker();
    }

    protected CallInvoker CallInvoker { get; }

    internal ClientBaseConfiguration Configuration { get; }

    /// <summary>The call invoker and host override a client was made with.</summary>
    protected internal sealed class ClientBaseConfiguration
    {
        private readonly CallInvoker _undecorated;
        private readonly string? _host;

        internal ClientBaseConfiguration(CallInvoker undecorated, string? host)
        {
            _undecorated = undecorated;
            _host = host;
        }

        internal CallInvoker CreateDecoratedCallInvoker() =>
            _host is null ? _undecorated : _undecorated.Intercept(new HostOverrideInterceptor(_host));

        internal ClientBaseConfiguration WithHost(string host) => new(_undecorated, host);
    }

    private sealed class TestDoubleCallInvoker : CallInvoker
    {
        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw NotOverridden(method);

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw NotOverridden(method);

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw NotOverridden(method);

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw NotOverridden(method);

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw NotOverridden(method);

        private static InvalidOperationException NotOverridden(IMethod method) =>
            new($"{method.FullName} was called on a client test double that does not override it.");
    }
}
