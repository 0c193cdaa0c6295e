using System.Text;
using System.Text.RegularExpressions;
using RemoteDev.Supervisor.Output;
using RemoteDev.Supervisor.Supervision;

namespace RemoteDev.Supervisor.Health;

/// <summary>
/// Runs the health check of one run until it ends. Polled probes: healthy on success, unhealthy after
/// failureThreshold consecutive failures (a probe that cannot run, or throws, is a failure with its error as the
/// reason). Log probe: healthy once a line of this run's output matches.
/// </summary>
internal static class HealthMonitor
{
    private const int MaxLineBytes = 64 * 1024;

    public static void Start(ProcessContext ctx, HealthCheckSpec check, ProcessOutput output, RunHandle run, Action<HealthStatus, string?> report)
    {
        var from = output.Ring.Range.End;
        _ = check.Probe is LogProbe log
            ? Task.Run(() => WatchLogAsync(log, output, from, report, run.Ended))
            : Task.Run(() => PollAsync(ctx, check, report, run.Ended));
    }

    private static async Task PollAsync(ProcessContext ctx, HealthCheckSpec check, Action<HealthStatus, string?> report, CancellationToken ended)
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
                var failure = await CheckAsync(check.Probe, timeout, ended).ConfigureAwait(false);
                failures = failure is null ? 0 : failures + 1;
                if (failure is null)
                {
                    report(HealthStatus.Healthy, null);
                }
                else if (failures >= threshold)
                {
                    report(HealthStatus.Unhealthy, failure);
                }

                await Task.Delay(interval, ctx.Time, ended).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<string?> CheckAsync(HealthProbe probe, TimeSpan timeout, CancellationToken ended)
    {
        try
        {
            return await HealthProbes.CheckAsync(probe, timeout, ended).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return $"probe failed: {e.Message}";
        }
    }

    private static async Task WatchLogAsync(
        LogProbe probe, ProcessOutput output, ulong from, Action<HealthStatus, string?> report, CancellationToken ended)
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
                        report(HealthStatus.Healthy, null);
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
