namespace Grpc.Core;

/// <summary>A service's methods bound to handlers, built by generated <c>BindService(impl)</c>.</summary>
public sealed class ServerServiceDefinition
{
    private readonly IReadOnlyList<Action<ServiceBinderBase>> _bindings;

    private ServerServiceDefinition(IReadOnlyList<Action<ServiceBinderBase>> bindings)
    {
        _bindings = bindings;
    }

    public static Builder CreateBuilder() => new();

    /// <summary>Hands every method of this definition to <paramref name="binder"/>.</summary>
    public void BindService(ServiceBinderBase binder)
    {
        ArgumentNullException.ThrowIfNull(binder);
        foreach (var bind in _bindings)
        {
            bind(binder);
        }
    }

    public sealed class Builder
    {
        private readonly List<Action<ServiceBinderBase>> _bindings = [];
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class => Add(method, binder => binder.AddMethod(method, handler));

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class => Add(method, binder => binder.AddMethod(method, handler));

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class => Add(method, binder => binder.AddMethod(method, handler));

        public Builder AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
            where TRequest : class
            where TResponse : class => Add(method, binder => binder.AddMethod(method, handler));

        public ServerServiceDefinition Build() => new(_bindings.ToArray());

        private Builder Add(IMethod method, Action<ServiceBinderBase> bind)
        {
            if (!_names.Add(method.FullName))
            {
                throw new ArgumentException($"Method {method.FullName} is already bound.", nameof(method));
            }

            _bindings.Add(bind);
            return this;
        }
    }
}
