using Grpc.Health.V1;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>Health (HTTP and gRPC) and Prometheus metrics on their endpoints.</summary>
public sealed class ObservabilityTests(SqliteControlPlane cp) : IClassFixture<SqliteControlPlane>
{
    private static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Healthz_answers_ok_on_the_http_endpoint()
    {
        using var http = new HttpClient { Timeout = HttpTimeout };

        var body = await http.GetStringAsync($"{cp.Host.HttpAddress}/healthz");

        Assert.Equal("ok\n", body);
    }

    [Fact]
    public async Task Grpc_health_service_reports_serving_once_the_control_plane_is_ready()
    {
        using var health = new HealthClient(cp.Host.GrpcAddress);

        var status = await Waits.UntilAsync(health.CheckAsync, s => s == HealthCheckResponse.Types.ServingStatus.Serving, "gRPC health SERVING");

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status);
    }

    [Fact]
    public async Task Metrics_show_connected_agents_phases_bytes_and_rpc_latency()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("metrics", Specs.Shell("talker", "echo some-output; sleep 600")));
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
        await OutputReads.UntilStoredContainsAsync(cp.Admin, sandbox.Id, "talker", "some-output");
        using var http = new HttpClient { Timeout = HttpTimeout };

        var text = await http.GetStringAsync($"{cp.Host.HttpAddress}/metrics");

        Assert.Matches(@"remotedev_connected_agents [1-9]", text);
        Assert.Matches(@"remotedev_sandboxes\{phase=""READY""\} [1-9]", text);
        Assert.Matches(@"remotedev_output_bytes_total\{direction=""from_agents""\} [1-9]", text);
        Assert.Contains("remotedev_rpc_duration_seconds_count{method=\"/remotedev.v1.Sandboxes/Create\"} ", text, StringComparison.Ordinal);
    }
}
