using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Metrics;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Purge;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Purge;

/// <summary>
/// A store failure (full disk, dropped connection) during a purge pass: the purger logs it and lives on, its next pass
/// purges what is left, and a sandbox's purge happens whole or not at all.
/// </summary>
public abstract class PurgeFailureTests : StoreTestBase
{
    private protected const int EventPurged = 4001;
    private protected const int EventPassFailed = 4003;
    private static readonly CancellationToken None = CancellationToken.None;
    private protected static readonly TimeSpan Retention = TimeSpan.FromHours(1);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly byte[] Output = "built and then deleted\n"u8.ToArray();
    private static readonly byte[] Token = [9, 9];

    private protected RecordedLogs Logs { get; } = new();

    private protected ObservedState Observed { get; } = new();

    private protected ControlPlaneMetrics Metrics { get; } = new();

    [Fact]
    public async Task Purge_failing_at_its_last_statement_leaves_the_sandbox_whole()
    {
        var sandbox = await EndedWithOutputAsync();
        var revision = await Store.Sandboxes.GetRevisionAsync(None);
        await InjectedPurgeFailure.AddAsync(Options, sandbox.Id);

        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Store.Sandboxes.PurgeEndedAsync(sandbox.Id, Time.GetUtcNow(), None));

        var kept = await Store.Sandboxes.GetAsync(sandbox.Id, None);
        Assert.Equal((sandbox.Revision, sandbox.EndedAt, sandbox.Status), (kept!.Revision, kept.EndedAt, kept.Status));
        Assert.Equal(sandbox.Id, Assert.Single((await Store.Sandboxes.ListAsync(new SandboxQuery(null, sandbox.Labels, 10, null), None)).Sandboxes).Id);
        Assert.Equal(Output, await StoredOutputAsync(sandbox.Id));
        Assert.Equal(Token, await Store.AgentTokens.GetHashAsync(sandbox.Id, None));
        Assert.Equal(revision, await Store.Sandboxes.GetRevisionAsync(None));
    }

    [Fact]
    public async Task Purge_that_failed_midway_purges_everything_once_the_store_recovers()
    {
        var sandbox = await EndedWithOutputAsync();
        await InjectedPurgeFailure.AddAsync(Options, sandbox.Id);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Store.Sandboxes.PurgeEndedAsync(sandbox.Id, Time.GetUtcNow(), None));
        await InjectedPurgeFailure.RemoveAsync(Options);

        var purged = await Store.Sandboxes.PurgeEndedAsync(sandbox.Id, Time.GetUtcNow(), None);

        Assert.True(purged);
        Assert.Null(await Store.Sandboxes.GetAsync(sandbox.Id, None));
        Assert.Null(await Store.Output.GetStreamAsync(new OutputStreamKey(sandbox.Id, "app"), None));
        Assert.Null(await Store.AgentTokens.GetHashAsync(sandbox.Id, None));
        Assert.Empty((await Store.Sandboxes.ListAsync(new SandboxQuery(null, sandbox.Labels, 10, null), None)).Sandboxes);
    }

    [Fact]
    public async Task Pass_failing_on_a_store_error_is_logged_and_the_next_pass_purges()
    {
        var sandbox = await EndedWithOutputAsync();
        var store = new FaultySandboxStore(Store.Sandboxes);
        store.FailCalls(nameof(ISandboxStore.ListEndedAsync), 1);
        Time.Advance(Retention);

        await using var purger = await StartPurgerAsync(store);
        await LoggedPurgeOfAsync(sandbox.Id);

        var failure = Assert.Single(Logs.WithEventId(EventPassFailed));
        Assert.IsType<InjectedStoreFailure>(failure.Exception);
        Assert.Equal(LogLevel.Warning, failure.Level);
        Assert.Null(await Store.Sandboxes.GetAsync(sandbox.Id, None));
        Assert.Null(purger.Service.ExecuteTask!.Exception);
        Assert.False(purger.Service.ExecuteTask.IsCompleted);
    }

    [Fact]
    public async Task Purges_committed_before_a_failure_in_the_same_pass_are_recorded_and_the_failed_one_is_retried()
    {
        var first = await EndedWithOutputAsync();
        Time.Advance(TimeSpan.FromSeconds(1));
        var second = await EndedWithOutputAsync();
        Observed.Update(first.Id, o => o with { SeenAt = Time.GetUtcNow() }, phaseRelevant: false);
        Observed.Update(second.Id, o => o with { SeenAt = Time.GetUtcNow() }, phaseRelevant: false);
        await InjectedPurgeFailure.AddAsync(Options, second.Id);
        Time.Advance(Retention);

        await using var purger = await StartPurgerAsync(Store.Sandboxes);
        await EventuallyAsync(() => Task.FromResult(Logs.WithEventId(EventPassFailed).Count > 0), "a failed pass");
        var logged = Logs.Entries;
        var counted = Metrics.Render(new Dictionary<string, int>());
        var observedFirst = Observed.Get(first.Id);
        await InjectedPurgeFailure.RemoveAsync(Options);
        await LoggedPurgeOfAsync(second.Id);

        Assert.Null(await Store.Sandboxes.GetAsync(first.Id, None));
        Assert.Single(logged, e => e.EventId == EventPurged && e.Message.Contains(first.Id, StringComparison.Ordinal));
        Assert.Contains("remotedev_sandboxes_purged_total 1\n", counted, StringComparison.Ordinal);
        Assert.Same(ObservedSandbox.Never, observedFirst);
        Assert.Contains("remotedev_sandboxes_purged_total 2\n", Metrics.Render(new Dictionary<string, int>()), StringComparison.Ordinal);
    }

    /// <summary>A labelled sandbox with stored output and an agent token, deleted and STOPPED (its retention starts now).</summary>
    private protected async Task<SandboxRecord> EndedWithOutputAsync()
    {
        var created = await Store.Sandboxes.CreateAsync(new NewSandbox("web-" + Guid.NewGuid().ToString("N")[..6], "alpha",
            new Dictionary<string, string> { ["run"] = Guid.NewGuid().ToString("N") }, new SandboxSpec()), None);
        await Store.Output.AppendAsync([OutputWrite.Chunk(new OutputStreamKey(created.Id, "app"), "e1", 0, StreamKind.Stdout, Output)], None);
        await Store.AgentTokens.SetAsync(created.Id, Token, None);
        var deleted = await Store.Sandboxes.MarkDeletedAsync(created.Id, None);
        return await Store.Sandboxes.UpdateStatusAsync(created.Id, new SandboxStatus { Phase = SandboxPhase.Stopped, Reason = "deleted" }, deleted.Revision, None);
    }

    private protected async Task<RunningPurger> StartPurgerAsync(ISandboxStore store)
    {
        var options = new ControlPlaneOptions { DeletedRetention = Retention, PurgeInterval = Interval };
        var purger = new DeletedSandboxPurger(store, Observed, Metrics, options, Time, Logs.For<DeletedSandboxPurger>());
        await purger.StartAsync(None);
        return new RunningPurger(purger);
    }

    /// <summary>Waits for the purger to log the sandbox's purge (without touching the store itself).</summary>
    private protected Task LoggedPurgeOfAsync(string id) =>
        EventuallyAsync(() => Task.FromResult(Logs.WithEventId(EventPurged).Any(e => e.Message.Contains(id, StringComparison.Ordinal))), $"sandbox {id} purged");

    private async Task<byte[]> StoredOutputAsync(string id) =>
        Assert.Single((await Store.Output.ReadAsync(new OutputStreamKey(id, "app"), 0, 1 << 20, None)).Segments).Data.ToArray();

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(what);
            }

            await Task.Delay(20);
        }
    }

    private protected sealed class RunningPurger(DeletedSandboxPurger service) : IAsyncDisposable
    {
        public DeletedSandboxPurger Service { get; } = service;

        public async ValueTask DisposeAsync()
        {
            await Service.StopAsync(None);
            Service.Dispose();
        }
    }
}

public sealed class PurgeFailureTests_Sqlite : PurgeFailureTests
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Sqlite(dataDirectory);
}

public sealed class PurgeFailureTests_Postgres(PostgresFixture postgres) : PurgeFailureTests, IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task Pass_after_postgres_dropped_every_connection_fails_is_logged_and_a_later_pass_purges()
    {
        var sandbox = await EndedWithOutputAsync();
        Time.Advance(Retention);
        await RawSql.ExecuteAsync(Options, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");

        await using var purger = await StartPurgerAsync(Store.Sandboxes);
        await LoggedPurgeOfAsync(sandbox.Id);

        var failures = Logs.WithEventId(EventPassFailed);
        Assert.NotEmpty(failures);
        Assert.Equal(Npgsql.PostgresErrorCodes.AdminShutdown, Assert.IsType<Npgsql.PostgresException>(failures[0].Exception).SqlState);
        Assert.False(purger.Service.ExecuteTask!.IsCompleted);
    }

    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Postgres(postgres, dataDirectory);
}
