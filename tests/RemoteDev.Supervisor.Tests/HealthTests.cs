using System.Net;
using System.Net.Sockets;
using RemoteDev.Supervisor.Tests.Infrastructure;

namespace RemoteDev.Supervisor.Tests;

public sealed class HealthTests
{
    private static HealthCheckSpec Check(HealthProbe probe) => new()
    {
        Probe = probe,
        Interval = TimeSpan.FromMilliseconds(50),
        FailureThreshold = 2,
    };

    [Fact]
    public async Task An_exec_probe_that_succeeds_makes_the_process_healthy()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000") with { HealthCheck = Check(new ExecProbe(["/bin/true"])) });

        var evt = await h.NextEventAsync(e => e.Kind == ProcessEventKind.Health);

        Assert.Equal(HealthStatus.Healthy, evt.Health);
    }

    [Fact]
    public async Task An_exec_probe_that_keeps_failing_makes_the_process_unhealthy()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000") with { HealthCheck = Check(new ExecProbe(["/bin/false"])) });

        var evt = await h.NextEventAsync(e => e.Kind == ProcessEventKind.Health);

        Assert.Equal(HealthStatus.Unhealthy, evt.Health);
    }

    [Fact]
    public async Task A_tcp_probe_is_healthy_while_the_port_accepts()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000") with { HealthCheck = Check(new TcpProbe(null, port)) });

        var evt = await h.NextEventAsync(e => e.Kind == ProcessEventKind.Health);

        Assert.Equal(HealthStatus.Healthy, evt.Health);
    }

    [Fact]
    public async Task An_http_probe_counts_a_5xx_as_a_failure()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                _ = await stream.ReadAsync(new byte[4096]);
                await stream.WriteAsync("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
            }
        });
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000") with { HealthCheck = Check(new HttpProbe(null, port, "/health")) });

        var evt = await h.NextEventAsync(e => e.Kind == ProcessEventKind.Health);

        Assert.Equal(HealthStatus.Unhealthy, evt.Health);
    }
}
