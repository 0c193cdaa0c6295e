using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Turns a service class into endpoints: one per method, plus UNIMPLEMENTED fallbacks.</summary>
internal static class ServiceEndpointMapper
{
    public static GrpcServiceEndpointConventionBuilder Map<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TService>(IEndpointRouteBuilder endpoints)
        where TService : class
    {
        var services = endpoints.ServiceProvider;
        var registry = services.GetService<MappedServiceRegistry>()
            ?? throw new InvalidOperationException("Call builder.Services.AddGrpc() before MapGrpcService<T>().");
        var options = services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value;
        var settings = CallHandlerSettings.From(options, services);

        var bindAttribute = typeof(TService).GetCustomAttribute<BindServiceMethodAttribute>(inherit: true)
            ?? throw new InvalidOperationException($"{typeof(TService)} does not derive from a generated gRPC service base class (no [BindServiceMethod]).");
        var bindMethod = FindBindMethod(bindAttribute);
        var binder = new EndpointServiceBinder<TService>(endpoints, settings);
        bindMethod.Invoke(null, [binder, null]);
        if (binder.ServiceName is null)
        {
            throw new InvalidOperationException($"{typeof(TService)} has no gRPC methods.");
        }

        registry.Add(new MappedService(binder.ServiceName, bindAttribute.BindType));
        var builders = binder.Builders.ToList();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ServiceEndpointMapper));
        builders.Add(MapUnimplemented(endpoints, "/" + binder.ServiceName + "/{unimplementedMethod}", "Method is unimplemented.", logger));
        if (!options.IgnoreUnknownServices && registry.TryClaimUnknownServiceRoute())
        {
            MapUnimplemented(endpoints, "/{unimplementedService}/{unimplementedMethod}", "Service is unimplemented.", logger);
        }

        return new GrpcServiceEndpointConventionBuilder(builders);
    }

    private static MethodInfo FindBindMethod(BindServiceMethodAttribute attribute)
    {
        var method = attribute.BindType
            .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .SingleOrDefault(m => m.Name == attribute.BindMethodName
                && m.GetParameters() is { Length: 2 } p
                && p[0].ParameterType == typeof(ServiceBinderBase));
        return method ?? throw new InvalidOperationException($"{attribute.BindType}.{attribute.BindMethodName}(ServiceBinderBase, ...) was not found.");
    }

    private static IEndpointConventionBuilder MapUnimplemented(IEndpointRouteBuilder endpoints, string pattern, string detail, ILogger logger)
    {
        var status = new Status(StatusCode.Unimplemented, detail);
        return endpoints.MapPost(pattern, context =>
        {
            if (!GrpcProtocol.IsGrpcContentType(context.Request.ContentType))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            ServerLog.UnimplementedCall(logger, context.Request.Path);
            TrailersOnlyResponse.Write(context.Response, status);
            return Task.CompletedTask;
        }).WithDisplayName("gRPC - unimplemented " + pattern);
    }
}
