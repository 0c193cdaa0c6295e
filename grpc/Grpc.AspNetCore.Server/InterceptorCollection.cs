using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using Grpc.Core.Interceptors;

namespace Grpc.AspNetCore.Server;

/// <summary>The interceptors of the server, each created per call (from DI when registered there).</summary>
public class InterceptorCollection : Collection<InterceptorRegistration>
{
    public void Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TInterceptor>(params object[] args)
        where TInterceptor : Interceptor => Add(typeof(TInterceptor), args);

    public void Add([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type interceptorType, params object[] args)
    {
        ArgumentNullException.ThrowIfNull(interceptorType);
        if (!typeof(Interceptor).IsAssignableFrom(interceptorType))
        {
            throw new ArgumentException($"Type {interceptorType} is not a {typeof(Interceptor)}.", nameof(interceptorType));
        }

        Add(new InterceptorRegistration(interceptorType, args));
    }
}

/// <summary>An interceptor type and the constructor arguments not taken from DI.</summary>
public class InterceptorRegistration
{
    public InterceptorRegistration([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type type, object[] arguments)
    {
        Type = type ?? throw new ArgumentNullException(nameof(type));
        Arguments = arguments ?? throw new ArgumentNullException(nameof(arguments));
    }

    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)]
    public Type Type { get; }

    public IReadOnlyList<object> Arguments { get; }
}
