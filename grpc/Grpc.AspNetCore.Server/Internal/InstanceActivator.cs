using Grpc.Core.Interceptors;
using Microsoft.Extensions.DependencyInjection;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>An instance for one call: from DI when registered there (DI owns it), otherwise created and disposed by us.</summary>
internal readonly record struct Activated<T>(T Instance, bool Created)
    where T : class
{
    public ValueTask ReleaseAsync()
    {
        if (!Created)
        {
            return ValueTask.CompletedTask;
        }

        if (Instance is IAsyncDisposable asyncDisposable)
        {
            return asyncDisposable.DisposeAsync();
        }

        (Instance as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }
}

internal sealed class ServiceActivator<TService>
    where TService : class
{
    private readonly ObjectFactory<TService> _factory = ActivatorUtilities.CreateFactory<TService>(Type.EmptyTypes);

    public Activated<TService> Create(IServiceProvider services) =>
        services.GetService<TService>() is { } registered
            ? new Activated<TService>(registered, Created: false)
            : new Activated<TService>(_factory(services, null), Created: true);
}

internal sealed class InterceptorActivator
{
    private readonly InterceptorRegistration _registration;
    private readonly ObjectFactory _factory;
    private readonly object[] _arguments;

    public InterceptorActivator(InterceptorRegistration registration)
    {
        _registration = registration;
        _arguments = registration.Arguments.ToArray();
        _factory = ActivatorUtilities.CreateFactory(registration.Type, _arguments.Select(a => a.GetType()).ToArray());
    }

    public Activated<Interceptor> Create(IServiceProvider services) =>
        _arguments.Length == 0 && services.GetService(_registration.Type) is Interceptor registered
            ? new Activated<Interceptor>(registered, Created: false)
            : new Activated<Interceptor>((Interceptor)_factory(services, _arguments), Created: true);
}
