using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;

namespace RemoteDev.ControlPlane.Tests.Reconcile;

/// <summary>
/// The store failing while the reconciler recovers at start (adopting agents, reaping orphans), as PostgreSQL does
/// while it starts: the control plane stays up and tries again with growing backoff, reconciles nothing until recovery
/// succeeded, and then reconciles what the store holds.
/// </summary>
public abstract class ReconcilerRecoveryTests : ReconcilerTestBase
{
    private const int EventRecoveryFailed = 2004;

    [Fact]
    public async Task Recovery_failing_on_store_errors_is_logged_and_retried_with_growing_backoff_then_the_store_is_reconciled()
    {
        var deleted = await DeletedAsync();
        var faulty = new FaultySandboxStore(Store.Sandboxes);
        faulty.FailCalls(nameof(ISandboxStore.ListAsync), 1, 2, 3);

        await StartServicesAsync(faulty);
        await Services.Reconciler.Started.WaitAsync(Patience);
        var stopped = await StoppedAsync(deleted.Id);

        var failures = Logs.WithEventId(EventRecoveryFailed);
        Assert.Equal([200.0, 400.0, 800.0], failures.Select(e => e.Value("BackoffMs")));
        Assert.All(failures, e => Assert.IsType<InjectedStoreFailure>(e.Exception));
        Assert.Equal("deleted", stopped.Status.Reason);
        Assert.False(Services.Reconciler.ExecuteTask!.IsCompleted);
    }

    [Fact]
    public async Task Sandbox_enqueued_while_recovery_fails_waits_and_is_reconciled_once_recovery_succeeded()
    {
        var deleted = await DeletedAsync();
        var faulty = new FaultySandboxStore(Store.Sandboxes);
        faulty.FailEveryCall(nameof(ISandboxStore.ListAsync));
        await StartServicesAsync(faulty);
        Services.Reconciler.Enqueue(deleted.Id);
        await EventuallyAsync(() => Logs.WithEventId(EventRecoveryFailed).Count >= 2, "recovery tried twice");
        var startedWhileFailing = Services.Reconciler.Started.IsCompleted;
        var readsWhileFailing = faulty.Calls(nameof(ISandboxStore.GetAsync));

        faulty.StopFailing(nameof(ISandboxStore.ListAsync));
        await Services.Reconciler.Started.WaitAsync(Patience);
        var stopped = await StoppedAsync(deleted.Id);

        Assert.Equal((false, 0), (startedWhileFailing, readsWhileFailing));
        Assert.Equal("deleted", stopped.Status.Reason);
    }
}

public sealed class ReconcilerRecoveryTests_Sqlite : ReconcilerRecoveryTests
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Sqlite(dataDirectory);
}

public sealed class ReconcilerRecoveryTests_Postgres(PostgresFixture postgres) : ReconcilerRecoveryTests, IClassFixture<PostgresFixture>
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Postgres(postgres, dataDirectory);
}
