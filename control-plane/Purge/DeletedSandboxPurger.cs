using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Metrics;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Purge;

/// <summary>
/// Every <see cref="ControlPlaneOptions.PurgeInterval"/>, purges deleted sandboxes that have been STOPPED for
/// <see cref="ControlPlaneOptions.DeletedRetention"/> (record, stored output, agent token), at most
/// <see cref="BatchSize"/> a pass, and then their purge changes once as old. A full batch is followed by another pass at
/// once, so deletions faster than a batch per interval do not pile up. A failed pass is logged and the next one tries
/// again.
/// </summary>
internal sealed class DeletedSandboxPurger(
    ISandboxStore store,
    ObservedState observed,
    ControlPlaneMetrics metrics,
    ControlPlaneOptions options,
    TimeProvider time,
    ILogger<DeletedSandboxPurger> logger) : BackgroundService
{
    public const int BatchSize = 100;
    private static readonly TimeSpan PassTimeout = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PurgeInterval, time);
        try
        {
            do
            {
                while (await PassAsync(stoppingToken))
                {
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>True when a batch was full: more may be due now.</summary>
    private async Task<bool> PassAsync(CancellationToken stoppingToken)
    {
        var cutoff = time.GetUtcNow() - options.DeletedRetention;
        using var timeout = new CancellationTokenSource(PassTimeout, time);
        using var pass = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            var due = await store.ListEndedAsync(cutoff, BatchSize, pass.Token);
            foreach (var id in due)
            {
                // Recorded as each commits: a failure later in the pass leaves these purged, and they are not due again.
                if (await store.PurgeEndedAsync(id, cutoff, pass.Token))
                {
                    observed.Forget(id);
                    metrics.SandboxesPurged(1);
                    PurgeLog.Purged(logger, id, options.DeletedRetention);
                }
            }

            var forgotten = await store.ForgetPurgesAsync(cutoff, BatchSize, pass.Token);
            if (forgotten > 0)
            {
                PurgeLog.PurgesForgotten(logger, forgotten);
            }

            return due.Count == BatchSize || forgotten == BatchSize;
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            // Store errors included: the service lives on and the next pass finds the same sandboxes again.
            PurgeLog.PassFailed(logger, options.PurgeInterval, error);
            return false;
        }
    }
}
