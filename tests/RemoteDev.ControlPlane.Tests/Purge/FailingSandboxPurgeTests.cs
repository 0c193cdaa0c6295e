using System.Data.Common;
using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Purge;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;

namespace RemoteDev.ControlPlane.Tests.Purge;

/// <summary>
/// A sandbox whose purge fails every time (a record the store refuses, a disk full for its rows) costs only itself:
/// it is logged and tried again after a backoff doubling from the purge interval, while the sandboxes after it are
/// purged, however many fail before them.
/// </summary>
public abstract class FailingSandboxPurgeTests : PurgerTestBase
{
    private const string Broken = "broken";
    private const int Batch = DeletedSandboxPurger.BatchSize;

    [Fact]
    public async Task Sandbox_whose_purge_fails_is_logged_and_the_one_after_it_is_purged_in_the_same_pass()
    {
        var failing = await EndedWithOutputAsync();
        Time.Advance(TimeSpan.FromSeconds(1));
        var healthy = await EndedWithOutputAsync();
        await InjectedPurgeFailure.AddAsync(Options, failing.Id);
        Time.Advance(Retention);

        await using var purger = await StartPurgerAsync(Store.Sandboxes);
        await LoggedPurgeOfAsync(healthy.Id);

        var failure = Assert.Single(Logs.WithEventId(EventSandboxFailed));
        Assert.Equal((LogLevel.Warning, failing.Id, Interval), (failure.Level, failure.Value("SandboxId"), failure.Value("Delay")));
        Assert.IsAssignableFrom<DbException>(failure.Exception);
        Assert.Equal(failing.Id, (await Store.Sandboxes.GetAsync(failing.Id, None))!.Id);
        Assert.Contains("remotedev_sandbox_purge_failures_total 1\n", RenderedMetrics(), StringComparison.Ordinal);
        Assert.Contains("remotedev_sandboxes_purged_total 1\n", RenderedMetrics(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_than_a_batch_of_failing_sandboxes_does_not_keep_the_ones_after_them_from_being_purged()
    {
        await EndedAsync(Broken, Batch + 1);
        Time.Advance(TimeSpan.FromSeconds(1));
        var healthy = await EndedWithOutputAsync();
        await InjectedPurgeFailure.AddForProjectAsync(Options, Broken);
        Time.Advance(Retention);

        await using var purger = await StartPurgerAsync(Store.Sandboxes);
        await LoggedPurgeOfAsync(healthy.Id);

        Assert.Equal(Batch + 1, Logs.WithEventId(EventSandboxFailed).Count);
        Assert.Null(await Store.Sandboxes.GetAsync(healthy.Id, None));
    }

    [Fact]
    public async Task Failing_sandboxes_filling_whole_batches_are_tried_once_a_backoff_not_in_a_loop()
    {
        await EndedAsync(Broken, Batch + 1);
        await InjectedPurgeFailure.AddForProjectAsync(Options, Broken);
        Time.Advance(Retention);
        var store = new FaultySandboxStore(Store.Sandboxes);

        await using var purger = await StartPurgerAsync(store);
        await EventuallyAsync(() => Logs.WithEventId(EventSandboxFailed).Count == Batch + 1, "every sandbox failed once");
        var listings = store.Calls(nameof(ISandboxStore.ListEndedAsync));
        await EventuallyAsync(() => store.Calls(nameof(ISandboxStore.ListEndedAsync)) >= listings + 4, "two more rounds");
        var triedWithinTheBackoff = store.Calls(nameof(ISandboxStore.PurgeEndedAsync));
        Time.Advance(Interval);
        await EventuallyAsync(() => Logs.WithEventId(EventSandboxFailed).Count == 2 * (Batch + 1), "every sandbox failed twice");

        Assert.Equal(Batch + 1, triedWithinTheBackoff);
        Assert.All(Logs.WithEventId(EventSandboxFailed).Skip(Batch + 1), e => Assert.Equal(2 * Interval, e.Value("Delay")));
    }

    [Fact]
    public async Task Sandbox_whose_purge_failed_is_purged_once_the_failure_is_gone_and_its_backoff_passed()
    {
        var sandbox = await EndedWithOutputAsync();
        await InjectedPurgeFailure.AddAsync(Options, sandbox.Id);
        Time.Advance(Retention);
        await using var purger = await StartPurgerAsync(Store.Sandboxes);
        await EventuallyAsync(() => Logs.WithEventId(EventSandboxFailed).Count > 0, "a failed purge");

        await InjectedPurgeFailure.RemoveAsync(Options);
        Time.Advance(Interval);
        await LoggedPurgeOfAsync(sandbox.Id);

        Assert.Null(await Store.Sandboxes.GetAsync(sandbox.Id, None));
        Assert.Null(await Store.AgentTokens.GetHashAsync(sandbox.Id, None));
        Assert.Contains("remotedev_sandboxes_purged_total 1\n", RenderedMetrics(), StringComparison.Ordinal);
    }

    private async Task EndedAsync(string project, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await EndedAsync(project);
        }
    }
}

public sealed class FailingSandboxPurgeTests_Sqlite : FailingSandboxPurgeTests
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Sqlite(dataDirectory);
}

public sealed class FailingSandboxPurgeTests_Postgres(PostgresFixture postgres) : FailingSandboxPurgeTests, IClassFixture<PostgresFixture>
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Postgres(postgres, dataDirectory);
}
