using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Reconcile;

/// <summary>
/// A store failure (full disk, dropped connection) while the reconciler works on a sandbox: the reconciler logs it,
/// lives on, and retries the sandbox with growing backoff until its step is done.
/// </summary>
public abstract class ReconcilerStoreFailureTests : StoreTestBase
{
    private const int EventRetrying = 2002;
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly RecordedLogs _logs = new();
    private FaultySandboxStore _faulty = null!;
    private BackgroundServices? _services;

    public override async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        ControlPlaneHost.CleanUp(Path.Combine(DataDirectory, "control-plane"));
        await base.DisposeAsync();
    }

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
        var retry = Assert.Single(_logs.WithEventId(EventRetrying));
        Assert.Equal((deleted.Id, 200.0), (retry.Value("SandboxId"), retry.Value("BackoffMs")));
        Assert.IsType<InjectedStoreFailure>(retry.Exception);
        Assert.Equal("deleted", stopped.Status.Reason);
        Assert.NotNull(stopped.EndedAt);
        Assert.False(_services!.Reconciler.ExecuteTask!.IsCompleted);
    }

    [Fact]
    public async Task Sandbox_whose_reconcile_keeps_failing_is_retried_with_growing_backoff()
    {
        var deleted = await DeletedAsync();

        await StartAsync(nameof(ISandboxStore.UpdateStatusAsync), 1, 2, 3);

        await StoppedAsync(deleted.Id);
        Assert.Equal([200.0, 400.0, 800.0], _logs.WithEventId(EventRetrying).Select(e => e.Value("BackoffMs")));
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
        var dataDir = Path.Combine(DataDirectory, "control-plane");
        Directory.CreateDirectory(dataDir);
        var options = new ControlPlaneOptions { DataDir = dataDir, AgentPath = await StandInAgent.WriteScriptAsync(dataDir, "#!/bin/sh\nexit 3\n") };
        _services = await BackgroundServices.StartAsync(Store, _faulty, options, _logs);
    }

    private async Task<SandboxRecord> DeletedAsync()
    {
        var created = await Store.Sandboxes.CreateAsync(new NewSandbox("web", "alpha", new Dictionary<string, string>(), new SandboxSpec()), None);
        return await Store.Sandboxes.MarkDeletedAsync(created.Id, None);
    }

    private Task<SandboxRecord> StoppedAsync(string id) => PhaseAsync(id, SandboxPhase.Stopped);

    private async Task<SandboxRecord> PhaseAsync(string id, SandboxPhase phase)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var sandbox = await Store.Sandboxes.GetAsync(id, None);
            if (sandbox!.Status.Phase == phase)
            {
                return sandbox;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"sandbox {id} not {phase}; last: {sandbox.Status}");
            }

            await Task.Delay(20);
        }
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
