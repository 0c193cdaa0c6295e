using System.Text;
using System.Text.RegularExpressions;
using RemoteDev.Supervisor.Output;
using RemoteDev.Supervisor.Supervision;

namespace RemoteDev.Supervisor.Health;

/// <summary>
/// Runs the health check of one run until it ends. Polled probes: healthy on success, unhealthy after
/// failureThreshold consecutive failures. Log probe: healthy once a line of this run's output matches.
/// </summary>
internal static class HealthMonitor
{
    private const int MaxLineBytes = 64 * 1024;

    public static void Start(ProcessContext ctx, HealthCheckSpec check, ProcessOutput output, RunHandle run, Action<HealthStatus> report)
    {
        var from = output.Ring.Range.End;
        _ = check.Probe is LogProbe log
            ? Task.Run(() => WatchLogAsync(log, output, from, report, run.Ended))
            : Task.Run(() => PollAsync(ctx, check, report, run.Ended));
    }

    private static async Task PollAsync(ProcessContext ctx, HealthCheckSpec check, Action<HealthStatus> report, CancellationToken ended)
    {
        var interval = check.Interval ?? SpecDefaults.HealthInterval;
        var timeout = check.Timeout ?? SpecDefaults.HealthTimeout;
        var threshold = check.FailureThreshold == 0 ? SpecDefaults.HealthFailureThreshold : check.FailureThreshold;
        var failures = 0u;
        try
        {
            await Task.Delay(check.InitialDelay ?? TimeSpan.Zero, ctx.Time, ended).ConfigureAwait(false);
            while (true)
            {
                var healthy = await HealthProbes.CheckAsync(check.Probe, timeout, ended).ConfigureAwait(false);
                failures = healthy ? 0 : failures + 1;
                if (healthy)
                {
                    report(HealthStatus.Healthy);
                }
                else if (failures >= threshold)
                {
                    report(HealthStatus.Unhealthy);
                }

                await Task.Delay(interval, ctx.Time, ended).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task WatchLogAsync(
        LogProbe probe, ProcessOutput output, ulong from, Action<HealthStatus> report, CancellationToken ended)
    {
        var pattern = new Regex(probe.Pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var reader = new OutputSubscription(output.Ring, from, output.Epoch);
        var line = new List<byte>();
        try
        {
            while (await reader.ReadAsync(ended).ConfigureAwait(false) is { } record)
            {
                if (record is not OutputChunk chunk)
                {
                    line.Clear();
                    continue;
                }

                foreach (var b in chunk.Data.Span)
                {
                    if (b != (byte)'\n')
                    {
                        if (line.Count < MaxLineBytes)
                        {
                            line.Add(b);
                        }

                        continue;
                    }

                    if (pattern.IsMatch(Encoding.UTF8.GetString(line.ToArray()).TrimEnd('\r')))
                    {
                        report(HealthStatus.Healthy);
                        return;
                    }

                    line.Clear();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
