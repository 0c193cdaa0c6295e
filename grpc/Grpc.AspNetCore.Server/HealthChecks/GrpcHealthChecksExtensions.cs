using Grpc.AspNetCore.Server.HealthChecks;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection
{
    public static class GrpcHealthChecksServiceExtensions
    {
        /// <summary>
        /// Registers <see cref="HealthServiceImpl"/> as a singleton with the server ("") SERVING; set per-service status
        /// from code through it. Returns the ASP.NET Core health checks builder, as grpc-dotnet does: checks added to it
        /// set the server's status ("") each time ASP.NET Core publishes a report. When the application starts stopping,
        /// every service turns NOT_SERVING and Watch calls end.
        /// </summary>
        public static IHealthChecksBuilder AddGrpcHealthChecks(this IServiceCollection services)
        {
            ArgumentNullException.ThrowIfNull(services);
            services.TryAddSingleton(provider =>
            {
                var health = new HealthServiceImpl();
                health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
                provider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(health.EnterGracefulShutdown);
                return health;
            });
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthCheckPublisher, HealthChecksPublisher>());
            return services.AddHealthChecks();
        }
    }
}

namespace Microsoft.AspNetCore.Builder
{
    public static class GrpcHealthChecksEndpointRouteBuilderExtensions
    {
        public static GrpcServiceEndpointConventionBuilder MapGrpcHealthChecksService(this IEndpointRouteBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            if (builder.ServiceProvider.GetService<HealthServiceImpl>() is null)
            {
                throw new InvalidOperationException("Call builder.Services.AddGrpcHealthChecks() before MapGrpcHealthChecksService().");
            }

            return builder.MapGrpcService<HealthServiceImpl>();
        }
    }
}
