using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Receives the methods from the generated <c>BindService(binder, null)</c> and maps each to an endpoint whose handler
/// resolves <typeparamref name="TService"/> per call and invokes its override through an open-instance delegate.
/// </summary>
internal sealed class EndpointServiceBinder<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TService>(
    IEndpointRouteBuilder endpoints, CallHandlerSettings settings) : ServiceBinderBase
    where TService : class
{
    private readonly ServiceActivator<TService> _activator = new();

    public string? ServiceName { get; private set; }

    public List<IEndpointConventionBuilder> Builders { get; } = [];

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
    {
        var invoker = CreateInvoker<Func<TService, TRequest, ServerCallContext, Task<TResponse>>>(method, typeof(TRequest), typeof(ServerCallContext));
        Map(method, new UnaryCallHandler<TService, TRequest, TResponse>(method, settings, _activator, invoker));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var invoker = CreateInvoker<Func<TService, IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>>>(method, typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext));
        Map(method, new ClientStreamingCallHandler<TService, TRequest, TResponse>(method, settings, _activator, invoker));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var invoker = CreateInvoker<Func<TService, TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(method, typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
        Map(method, new ServerStreamingCallHandler<TService, TRequest, TResponse>(method, settings, _activator, invoker));
    }

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
    {
        var invoker = CreateInvoker<Func<TService, IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task>>(method, typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext));
        Map(method, new DuplexStreamingCallHandler<TService, TRequest, TResponse>(method, settings, _activator, invoker));
    }

    private static TDelegate CreateInvoker<TDelegate>(IMethod method, params Type[] parameterTypes)
        where TDelegate : Delegate
    {
        var methodInfo = typeof(TService).GetMethod(method.Name, BindingFlags.Public | BindingFlags.Instance, parameterTypes)
            ?? throw new InvalidOperationException($"{typeof(TService)} has no public method {method.Name} for {method.FullName}.");
        return methodInfo.CreateDelegate<TDelegate>();
    }

    private void Map<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerCallHandler<TService, TRequest, TResponse> handler)
        where TRequest : class
        where TResponse : class
    {
        ServiceName ??= method.ServiceName;
        var builder = endpoints.MapPost(method.FullName, handler.HandleCallAsync)
            .WithDisplayName("gRPC - " + method.FullName)
            .WithMetadata(new GrpcMethodMetadata(typeof(TService), method));
        Builders.Add(builder);
    }
}

/// <summary>Endpoint metadata naming the gRPC method an endpoint serves.</summary>
internal sealed record GrpcMethodMetadata(Type ServiceType, IMethod Method);
