using System.Net;
using System.Net.Sockets;
using RemoteDev.Supervisor.Tests.Infrastructure;
using RemoteDev.Testing;

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

    [Fact]
    public async Task An_exec_probe_whose_command_does_not_exist_makes_the_process_unhealthy_with_the_OS_error()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000") with { HealthCheck = Check(new ExecProbe(["/nonexistent/probe"])) });

        var evt = await h.NextEventAsync(e => e.Kind == ProcessEventKind.Health);

        Assert.Equal(HealthStatus.Unhealthy, evt.Health);
        Assert.StartsWith("health Unhealthy: /nonexistent/probe could not be run: ", evt.Reason, StringComparison.Ordinal);
        Assert.EndsWith("No such file or directory", evt.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_turns_unhealthy_at_the_failure_threshold_with_one_check_per_interval()
    {
        var time = new ManualTimeProvider();
        await using var h = await SupervisorHarness.StartAsync(time);
        var checks = Path.Combine(h.Root, "checks");
        var ok = Path.Combine(h.Root, "ok");
        File.WriteAllText(ok, string.Empty);
        var interval = TimeSpan.FromSeconds(10);
        var probe = new ExecProbe(["/bin/sh", "-c", $"echo >> {checks}; test -e {ok}"]);
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000") with { HealthCheck = new HealthCheckSpec { Probe = probe, Interval = interval, FailureThreshold = 2 } });
        var healthy = await h.NextEventAsync(e => e.Kind == ProcessEventKind.Health);
        File.Delete(ok);

        await UntilAsync(() => time.ArmedTimers == 1);
        time.Advance(interval - TimeSpan.FromMilliseconds(1));
        var waitsAlmostTheInterval = time.ArmedTimers == 1;
        time.Advance(TimeSpan.FromMilliseconds(1));
        await UntilAsync(() => File.ReadAllLines(checks).Length == 2 && time.ArmedTimers == 1);
        var afterOneFailure = await SettledHealthAsync(h);
        time.Advance(interval);
        var unhealthy = await h.NextEventAsync(e => e.Kind == ProcessEventKind.Health);

        Assert.Equal(
            (HealthStatus.Healthy, true, HealthStatus.Healthy, HealthStatus.Unhealthy, 3),
            (healthy.Health, waitsAlmostTheInterval, afterOneFailure, unhealthy.Health, File.ReadAllLines(checks).Length));
    }

    /// <summary>The health once the process has handled every result posted so far (a command queues behind them).</summary>
    private static async Task<HealthStatus> SettledHealthAsync(SupervisorHarness h) =>
        (await h.Supervisor.StartAsync("p", CancellationToken.None)).Health;

    private static async Task UntilAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(SupervisorHarness.Timeout);
        while (!condition())
        {
            await Task.Delay(10, cts.Token);
        }
    }
}
