using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Purge;

/// <summary>
/// A store failure (full disk, dropped connection) during a purge pass: the purger logs it and lives on, its next pass
/// purges what is left, and a sandbox's purge happens whole or not at all.
/// </summary>
public abstract class PurgeFailureTests : PurgerTestBase
{
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
    public async Task Purges_committed_before_a_failure_in_the_same_pass_are_recorded()
    {
        var first = await EndedWithOutputAsync();
        Time.Advance(TimeSpan.FromSeconds(1));
        var second = await EndedWithOutputAsync();
        Observed.Update(first.Id, o => o with { SeenAt = Time.GetUtcNow() }, phaseRelevant: false);
        Observed.Update(second.Id, o => o with { SeenAt = Time.GetUtcNow() }, phaseRelevant: false);
        await InjectedPurgeFailure.AddAsync(Options, second.Id);
        Time.Advance(Retention);

        await using var purger = await StartPurgerAsync(Store.Sandboxes);
        await EventuallyAsync(() => Logs.WithEventId(EventSandboxFailed).Count > 0, "a failed purge");

        Assert.Null(await Store.Sandboxes.GetAsync(first.Id, None));
        Assert.Single(Logs.Entries, e => e.EventId == EventPurged && e.Message.Contains(first.Id, StringComparison.Ordinal));
        Assert.Contains("remotedev_sandboxes_purged_total 1\n", RenderedMetrics(), StringComparison.Ordinal);
        Assert.Same(ObservedSandbox.Never, Observed.Get(first.Id));
    }

    private async Task<byte[]> StoredOutputAsync(string id) =>
        Assert.Single((await Store.Output.ReadAsync(new OutputStreamKey(id, "app"), 0, 1 << 20, None)).Segments).Data.ToArray();
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
