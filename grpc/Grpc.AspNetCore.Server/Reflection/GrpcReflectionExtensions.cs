using Grpc.AspNetCore.Server.Internal;
using Grpc.AspNetCore.Server.Reflection;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection
{
    public static class GrpcReflectionServiceExtensions
    {
        /// <summary>Registers server reflection (grpc.reflection.v1 and v1alpha) over the services mapped with MapGrpcService.</summary>
        public static IServiceCollection AddGrpcReflection(this IServiceCollection services)
        {
            ArgumentNullException.ThrowIfNull(services);
            services.TryAddSingleton<MappedServiceRegistry>();
            services.TryAddSingleton<ReflectionIndex>();
            services.TryAddSingleton<ReflectionServiceV1>();
            services.TryAddSingleton<ReflectionServiceV1Alpha>();
            return services;
        }
    }
}

namespace Microsoft.AspNetCore.Builder
{
    public static class GrpcReflectionEndpointRouteBuilderExtensions
    {
        /// <summary>Maps grpc.reflection.v1.ServerReflection and grpc.reflection.v1alpha.ServerReflection.</summary>
        public static GrpcServiceEndpointConventionBuilder MapGrpcReflectionService(this IEndpointRouteBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            if (builder.ServiceProvider.GetService<ReflectionIndex>() is null)
            {
                throw new InvalidOperationException("Call builder.Services.AddGrpcReflection() before MapGrpcReflectionService().");
            }

            var v1 = builder.MapGrpcService<ReflectionServiceV1>();
            var v1Alpha = builder.MapGrpcService<ReflectionServiceV1Alpha>();
            return new GrpcServiceEndpointConventionBuilder([v1, v1Alpha]);
        }
    }
}
