using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Reconcile;

/// <summary>
/// A store failure (full disk, dropped connection) while the reconciler works on a sandbox: the reconciler logs it,
/// lives on, and retries the sandbox with growing backoff until its step is done.
/// </summary>
public abstract class ReconcilerStoreFailureTests : ReconcilerTestBase
{
    private const int EventRetrying = 2002;

    private FaultySandboxStore _faulty = null!;

    [Theory]
    [InlineData(nameof(ISandboxStore.GetAsync), 1)]
    [InlineData(nameof(ISandboxStore.UpdateStatusAsync), 1)]
    [InlineData(nameof(ISandboxStore.GetAsync), 2)]
    [InlineData(nameof(ISandboxStore.UpdateStatusAsync), 2)]
    public async Task Teardown_failing_on_a_store_error_is_logged_and_retried_until_stopped(string method, int call)
    {
        var deleted = await DeletedAsync();

        await StartAsync(method, call);

        var stopped = await StoppedAsync(deleted.Id);
        var retry = Assert.Single(Logs.WithEventId(EventRetrying));
        Assert.Equal((deleted.Id, 200.0), (retry.Value("SandboxId"), retry.Value("BackoffMs")));
        Assert.IsType<InjectedStoreFailure>(retry.Exception);
        Assert.Equal("deleted", stopped.Status.Reason);
        Assert.NotNull(stopped.EndedAt);
        Assert.False(Services.Reconciler.ExecuteTask!.IsCompleted);
    }

    [Fact]
    public async Task Sandbox_whose_reconcile_keeps_failing_is_retried_with_growing_backoff()
    {
        var deleted = await DeletedAsync();

        await StartAsync(nameof(ISandboxStore.UpdateStatusAsync), 1, 2, 3);

        await StoppedAsync(deleted.Id);
        Assert.Equal([200.0, 400.0, 800.0], Logs.WithEventId(EventRetrying).Select(e => e.Value("BackoffMs")));
    }

    [Fact]
    public async Task Failure_the_store_could_not_record_is_recorded_on_the_retry_without_starting_the_agent_again()
    {
        var crashing = await Store.Sandboxes.CreateAsync(new NewSandbox("crashing", "alpha", new Dictionary<string, string>(), new SandboxSpec()), None);

        await StartAsync(faulty => faulty.FailNextStatusWrite(SandboxPhase.Failed));

        var failed = await PhaseAsync(crashing.Id, SandboxPhase.Failed);
        Assert.Equal(
            [(SandboxPhase.Failed, true), (SandboxPhase.Failed, false)],
            _faulty.StatusWrites.SkipWhile(w => !w.Failed).Select(w => (w.Phase, w.Failed)));
        Assert.StartsWith("the agent exited 5 times in a row", failed.Status.Reason, StringComparison.Ordinal);
    }

    private Task StartAsync(string method, params int[] calls) => StartAsync(faulty => faulty.FailCalls(method, calls));

    private async Task StartAsync(Action<FaultySandboxStore> faults)
    {
        _faulty = new FaultySandboxStore(Store.Sandboxes);
        faults(_faulty);
        await StartServicesAsync(_faulty);
    }
}

public sealed class ReconcilerStoreFailureTests_Sqlite : ReconcilerStoreFailureTests
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Sqlite(dataDirectory);
}

public sealed class ReconcilerStoreFailureTests_Postgres(PostgresFixture postgres) : ReconcilerStoreFailureTests, IClassFixture<PostgresFixture>
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Postgres(postgres, dataDirectory);
}
