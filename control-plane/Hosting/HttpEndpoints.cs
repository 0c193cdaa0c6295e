using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using RemoteDev.ControlPlane.Metrics;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Hosting;

/// <summary>
/// On the HTTP/1.1 endpoint, answering from the moment the control plane listens (before its store is up):
/// /healthz (liveness: the process is alive, "ok"), /readyz (readiness, as <see cref="Readiness"/> says: 200 "ready",
/// else 503 "waiting for the store", "recovering" or "stopping") and Prometheus /metrics (503 until the store is up).
/// </summary>
internal static class HttpEndpoints
{
    private const int PhasePageSize = 500;
    private const string WaitingForStore = "waiting for the store\n";

    public static void Map(WebApplication app, Readiness readiness, int httpPort)
    {
        var host = $"*:{httpPort}";
        app.MapGet("/healthz", () => Results.Text("ok\n")).RequireHost(host);
        app.MapGet("/readyz", () => readiness.State switch
        {
            ReadinessState.Ready => Results.Text("ready\n"),
            ReadinessState.WaitingForStore => Unavailable(WaitingForStore),
            ReadinessState.Recovering => Unavailable("recovering\n"),
            ReadinessState.Stopping => Unavailable("stopping\n"),
            var state => throw new InvalidOperationException($"Unknown readiness state {state}."),
        }).RequireHost(host);
        app.MapGet("/metrics", async (HttpContext http) =>
        {
            var services = http.RequestServices;
            if (!services.GetRequiredService<StoreGate>().IsOpen)
            {
                return Unavailable(WaitingForStore);
            }

            var phases = await CountPhasesAsync(services.GetRequiredService<ISandboxStore>(), http.RequestAborted);
            var text = services.GetRequiredService<ControlPlaneMetrics>().Render(phases);
            return Results.Text(text, "text/plain; version=0.0.4; charset=utf-8");
        }).RequireHost(host);
    }

    private static IResult Unavailable(string text) => Results.Text(text, statusCode: StatusCodes.Status503ServiceUnavailable);

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
