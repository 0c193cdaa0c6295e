using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RemoteDev.ControlPlane.Metrics;
using RemoteDev.ControlPlane.Reconcile;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Hosting;

/// <summary>
/// On the HTTP/1.1 endpoint: /healthz (liveness: the process serves, "ok"), /readyz (readiness: 200 "ready" once the
/// reconciler recovered the sandboxes at start, 503 "recovering" while it waits for the store) and Prometheus /metrics.
/// </summary>
internal static class HttpEndpoints
{
    private const int PhasePageSize = 500;

    public static void Map(WebApplication app, int httpPort)
    {
        var host = $"*:{httpPort}";
        app.MapGet("/healthz", () => Results.Text("ok\n")).RequireHost(host);
        app.MapGet("/readyz", (HttpContext http) => http.RequestServices.GetRequiredService<ReconcilerHost>().Started.IsCompletedSuccessfully
            ? Results.Text("ready\n")
            : Results.Text("recovering\n", statusCode: StatusCodes.Status503ServiceUnavailable)).RequireHost(host);
        app.MapGet("/metrics", async (HttpContext http) =>
        {
            var services = http.RequestServices;
            var phases = await CountPhasesAsync(services.GetRequiredService<ISandboxStore>(), http.RequestAborted);
            var text = services.GetRequiredService<ControlPlaneMetrics>().Render(phases);
            return Results.Text(text, "text/plain; version=0.0.4; charset=utf-8");
        }).RequireHost(host);
    }

    private static async Task<IReadOnlyDictionary<string, int>> CountPhasesAsync(ISandboxStore store, CancellationToken cancellationToken)
    {
        var counts = Enum.GetValues<SandboxPhase>().Where(p => p != SandboxPhase.Unspecified)
            .ToDictionary(p => p.ToString().ToUpperInvariant(), _ => 0, StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await store.ListAsync(new SandboxQuery(null, new Dictionary<string, string>(), PhasePageSize, token), cancellationToken);
            foreach (var sandbox in page.Sandboxes.Where(s => !s.Deleted))
            {
                var name = sandbox.Status.Phase.ToString().ToUpperInvariant();
                counts[name] = counts.GetValueOrDefault(name) + 1;
            }

            token = page.NextPageToken;
        }
        while (token is not null);
        return counts;
    }
}
