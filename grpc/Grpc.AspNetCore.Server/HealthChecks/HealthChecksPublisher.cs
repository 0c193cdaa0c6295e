using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Grpc.AspNetCore.Server.HealthChecks;

/// <summary>
/// Feeds ASP.NET Core health checks (added to the builder <c>AddGrpcHealthChecks</c> returns) into the server's
/// overall status (service ""): SERVING unless a check is unhealthy. Without checks the status is left to code.
/// </summary>
internal sealed class HealthChecksPublisher(HealthServiceImpl health) : IHealthCheckPublisher
{
    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        if (report.Entries.Count > 0)
        {
            health.SetStatus(string.Empty, report.Status == HealthStatus.Unhealthy
                ? HealthCheckResponse.Types.ServingStatus.NotServing
                : HealthCheckResponse.Types.ServingStatus.Serving);
        }

        return Task.CompletedTask;
    }
}
