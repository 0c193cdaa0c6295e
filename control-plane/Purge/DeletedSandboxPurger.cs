using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Metrics;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Purge;

/// <summary>
/// Every <see cref="ControlPlaneOptions.PurgeInterval"/>, purges deleted sandboxes that have been STOPPED for
/// <see cref="ControlPlaneOptions.DeletedRetention"/> (record, stored output, agent token), and then their purge changes
/// once as old. A round walks every sandbox due, <see cref="BatchSize"/> a pass, each pass listing from after the last
/// one the pass before listed: deletions faster than a batch per interval do not pile up, and sandboxes skipped stay
/// behind instead of filling the next batch. A sandbox whose purge fails costs only itself: it is logged and skipped
/// until its backoff (<see cref="PurgeBackoff"/>) passed, while the others are purged. A failed listing ends the round;
/// the next one tries again. The first round runs once the store is up (<see cref="StoreGate"/>).
/// </summary>
internal sealed class DeletedSandboxPurger(
    ISandboxStore store,
    StoreGate storeGate,
    ObservedState observed,
    ControlPlaneMetrics metrics,
    ControlPlaneOptions options,
    TimeProvider time,
    ILogger<DeletedSandboxPurger> logger) : BackgroundService
{
    public const int BatchSize = 100;
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(1);

    private readonly PurgeBackoff _backoff = new(options.PurgeInterval, time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await storeGate.Opened.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(options.PurgeInterval, time);
            do
            {
                await RoundAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RoundAsync(CancellationToken stoppingToken)
    {
        var cutoff = time.GetUtcNow() - options.DeletedRetention;
        EndedSandbox? after = null;
        do
        {
            after = await PassAsync(cutoff, after, stoppingToken);
        }
        while (after is not null);

        while (await ForgetPurgesAsync(cutoff, stoppingToken))
        {
        }
    }

    /// <summary>Purges the due sandboxes of one batch; the last one listed when the batch was full (more may be due), else null.</summary>
    private async Task<EndedSandbox?> PassAsync(DateTimeOffset cutoff, EndedSandbox? after, CancellationToken stoppingToken)
    {
        IReadOnlyList<EndedSandbox> due;
        try
        {
            using var timeout = new CancellationTokenSource(CallTimeout, time);
            using var call = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
            due = await store.ListEndedAsync(cutoff, after, BatchSize, call.Token);
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            // Store errors included: the service lives on and the next round finds the same sandboxes again.
            PurgeLog.PassFailed(logger, options.PurgeInterval, error);
            return null;
        }

        foreach (var sandbox in due.Where(s => _backoff.IsDue(s.Id)))
        {
            await PurgeAsync(sandbox.Id, cutoff, stoppingToken);
        }

        return due.Count == BatchSize ? due[^1] : null;
    }

    private async Task PurgeAsync(string id, DateTimeOffset cutoff, CancellationToken stoppingToken)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CallTimeout, time);
            using var call = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
            var purged = await store.PurgeEndedAsync(id, cutoff, call.Token);
            _backoff.Forget(id);
            if (purged)
            {
                observed.Forget(id);
                metrics.SandboxesPurged(1);
                PurgeLog.Purged(logger, id, options.DeletedRetention);
            }
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            // The purge is one transaction: the sandbox is whole, and only it waits for its next try.
            var delay = _backoff.Failed(id);
            metrics.SandboxPurgeFailed();
            PurgeLog.SandboxFailed(logger, id, delay, error);
        }
    }

    /// <summary>True when a batch was full: more may be due now.</summary>
    private async Task<bool> ForgetPurgesAsync(DateTimeOffset cutoff, CancellationToken stoppingToken)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CallTimeout, time);
            using var call = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
            var forgotten = await store.ForgetPurgesAsync(cutoff, BatchSize, call.Token);
            if (forgotten > 0)
            {
                PurgeLog.PurgesForgotten(logger, forgotten);
            }

            return forgotten == BatchSize;
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            PurgeLog.PassFailed(logger, options.PurgeInterval, error);
            return false;
        }
    }
}
