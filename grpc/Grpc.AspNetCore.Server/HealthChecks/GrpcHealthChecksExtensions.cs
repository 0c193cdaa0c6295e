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
        /// set the server's status ("") each time ASP.NET Core publishes a report.
        /// </summary>
        public static IHealthChecksBuilder AddGrpcHealthChecks(this IServiceCollection services)
        {
            ArgumentNullException.ThrowIfNull(services);
            services.TryAddSingleton(provider =>
            {
                var health = new HealthServiceImpl();
                health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
                // Open watches would otherwise hold the server's shutdown until its timeout.
                provider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.Register(health.CompleteWatchers);
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
