using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Drivers;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Reconcile;

/// <summary>
/// Runs <see cref="SandboxReconciler"/> for sandboxes whose desired or observed state changed: a few workers, one run
/// per sandbox at a time, exponential backoff on errors, no retry of terminal errors. At start, once the store is up
/// (<see cref="StoreGate"/>), it adopts running sandboxes, reaps orphans and reconciles everything; until that
/// succeeded (a store not reachable is retried with backoff) nothing is reconciled, sandboxes enqueued meanwhile wait.
/// </summary>
internal sealed class ReconcilerHost(
    SandboxReconciler reconciler,
    ISandboxStore store,
    StoreGate storeGate,
    ISandboxDriver driver,
    ObservedState observed,
    TimeProvider time,
    ILogger<ReconcilerHost> logger) : BackgroundService
{
    private const int Workers = 4;
    private const int ListPageSize = 500;
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromMinutes(5);

    private readonly WorkQueue _queue = new(time);
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _pendingFailures = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once adoption and orphan reaping succeeded; canceled when the host stops before.</summary>
    public Task Started => _started.Task;

    public void Enqueue(string sandboxId) => _queue.Enqueue(sandboxId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<string> live;
        try
        {
            await storeGate.Opened.WaitAsync(stoppingToken);
            live = await RecoverUntilDoneAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _started.TrySetCanceled(stoppingToken);
            return;
        }

        observed.PhaseRelevantChange += Enqueue;
        foreach (var id in live)
        {
            Enqueue(id);
        }

        _started.TrySetResult();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => WorkAsync(stoppingToken)));
    }

    /// <summary>
    /// Recovers until it succeeds: with the store unreachable (PostgreSQL starting after the control plane) or the
    /// driver failing, the control plane stays up and tries again with backoff.
    /// </summary>
    private async Task<IReadOnlyList<string>> RecoverUntilDoneAsync(CancellationToken stoppingToken)
    {
        for (var failures = 1; ; failures++)
        {
            try
            {
                using var timeout = new CancellationTokenSource(RecoveryTimeout, time);
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
                return await RecoverAsync(attempt.Token);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                var backoff = Backoff(failures);
                ReconcileLog.RecoveryFailed(logger, backoff.TotalMilliseconds, error);
                await Task.Delay(backoff, time, stoppingToken);
            }
        }
    }

    private async Task<IReadOnlyList<string>> RecoverAsync(CancellationToken cancellationToken)
    {
        var all = new List<SandboxRecord>();
        string? token = null;
        do
        {
            var page = await store.ListAsync(new SandboxQuery(null, new Dictionary<string, string>(), ListPageSize, token), cancellationToken);
            all.AddRange(page.Sandboxes);
            token = page.NextPageToken;
        }
        while (token is not null);

        var adopted = await driver.RecoverAsync(cancellationToken);
        ReconcileLog.Adopted(logger, adopted.Count);
        var keep = all.Where(s => !s.Deleted || s.Status.Phase != SandboxPhase.Stopped).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        await driver.ReapOrphansAsync(keep, cancellationToken);
        return [.. keep];
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            string id;
            try
            {
                id = await _queue.DequeueAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                if (!await RecordPendingFailureAsync(id, stoppingToken))
                {
                    await ReconcileAsync(id, stoppingToken);
                }

                _failures.TryRemove(id, out _);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                var backoff = Backoff(_failures.AddOrUpdate(id, 1, (_, n) => n + 1));
                ReconcileLog.Retrying(logger, id, backoff.TotalMilliseconds, error);
                _queue.EnqueueAfter(id, backoff);
            }
            finally
            {
                _queue.Done(id);
            }
        }
    }

    private async Task ReconcileAsync(string id, CancellationToken cancellationToken)
    {
        ReconcileResult result;
        try
        {
            result = await reconciler.ReconcileAsync(id, cancellationToken);
        }
        catch (TerminalReconcileException error)
        {
            ReconcileLog.Terminal(logger, id, error.Message);
            _pendingFailures[id] = error.Message;
            await RecordPendingFailureAsync(id, cancellationToken);
            return;
        }

        if (result.RequeueAfter is { } delay)
        {
            _queue.EnqueueAfter(id, delay);
        }
    }

    /// <summary>
    /// Records the sandbox's terminal failure (FAILED) if one is pending; true when that was this run's work. It stays
    /// pending until the store took it, so a store error has the retry record it rather than reconcile again, which
    /// would start over (launch a crash-looping agent again, restart a readiness timeout). A sandbox deleted or purged
    /// meanwhile is reconciled instead.
    /// </summary>
    private async Task<bool> RecordPendingFailureAsync(string id, CancellationToken cancellationToken)
    {
        if (!_pendingFailures.TryGetValue(id, out var reason))
        {
            return false;
        }

        var sandbox = await store.GetAsync(id, cancellationToken);
        if (sandbox is { Deleted: false })
        {
            await reconciler.SetPhaseAsync(sandbox, SandboxPhase.Failed, reason, cancellationToken);
        }

        _pendingFailures.TryRemove(id, out _);
        return sandbox is { Deleted: false };
    }

    private static TimeSpan Backoff(int failures) => RetryDelays.Doubling(InitialBackoff, MaxBackoff, failures);
}
