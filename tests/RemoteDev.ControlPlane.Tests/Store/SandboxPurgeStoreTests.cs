using Google.Protobuf;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Store;

/// <summary>Deleted sandboxes are purged by the time their teardown finished (ended_at), never before.</summary>
public abstract class SandboxPurgeStoreTests : StoreTestBase
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    [Fact]
    public async Task Deleted_sandbox_ends_when_its_teardown_records_stopped()
    {
        var sandbox = await DeletedAsync();

        var stopped = await SetPhaseAsync(sandbox.Id, SandboxPhase.Stopped);

        Assert.Equal(Time.GetUtcNow(), stopped.EndedAt);
    }

    [Fact]
    public async Task Ended_sandbox_is_purged_with_its_output_and_agent_token_once_past_the_cutoff()
    {
        var sandbox = await DeletedAsync();
        var stream = new OutputStreamKey(sandbox.Id, "main");
        await Store.Output.AppendAsync([OutputWrite.Chunk(stream, "e1", 0, StreamKind.Stdout, new byte[] { 1, 2, 3 })], None);
        await Store.AgentTokens.SetAsync(sandbox.Id, [9, 9], None);
        await SetPhaseAsync(sandbox.Id, SandboxPhase.Stopped);
        Time.Advance(Retention);

        var due = await Store.Sandboxes.ListEndedAsync(Time.GetUtcNow() - Retention, null, 10, None);
        var purged = await Store.Sandboxes.PurgeEndedAsync(sandbox.Id, Time.GetUtcNow() - Retention, None);

        Assert.Equal([new EndedSandbox(sandbox.Id, Time.GetUtcNow() - Retention)], due);
        Assert.True(purged);
        Assert.Null(await Store.Sandboxes.GetAsync(sandbox.Id, None));
        Assert.Null(await Store.Output.GetStreamAsync(stream, None));
        Assert.Null(await Store.AgentTokens.GetHashAsync(sandbox.Id, None));
    }

    [Fact]
    public async Task Ended_sandbox_within_the_retention_is_kept()
    {
        var sandbox = await DeletedAsync();
        await SetPhaseAsync(sandbox.Id, SandboxPhase.Stopped);
        Time.Advance(Retention - TimeSpan.FromSeconds(1));

        var due = await Store.Sandboxes.ListEndedAsync(Time.GetUtcNow() - Retention, null, 10, None);
        var purged = await Store.Sandboxes.PurgeEndedAsync(sandbox.Id, Time.GetUtcNow() - Retention, None);

        Assert.Empty(due);
        Assert.False(purged);
        Assert.NotNull(await Store.Sandboxes.GetAsync(sandbox.Id, None));
    }

    [Fact]
    public async Task Deleted_sandbox_still_stopping_is_kept_however_old()
    {
        var sandbox = await DeletedAsync();
        var stopping = await SetPhaseAsync(sandbox.Id, SandboxPhase.Stopping);
        Time.Advance(Retention * 10);

        var due = await Store.Sandboxes.ListEndedAsync(Time.GetUtcNow() - Retention, null, 10, None);
        var purged = await Store.Sandboxes.PurgeEndedAsync(sandbox.Id, Time.GetUtcNow() - Retention, None);

        Assert.Empty(due);
        Assert.False(purged);
        Assert.Equal((true, SandboxPhase.Stopping), (stopping.Deleted, (await Store.Sandboxes.GetAsync(sandbox.Id, None))!.Status.Phase));
    }

    [Fact]
    public async Task Ended_sandboxes_are_listed_at_most_the_limit_those_ended_longest_ago_first()
    {
        var first = await DeletedAsync();
        await SetPhaseAsync(first.Id, SandboxPhase.Stopped);
        Time.Advance(TimeSpan.FromSeconds(1));
        var second = await DeletedAsync();
        await SetPhaseAsync(second.Id, SandboxPhase.Stopped);
        Time.Advance(Retention);

        var due = await Store.Sandboxes.ListEndedAsync(Time.GetUtcNow() - Retention, null, 1, None);

        Assert.Equal([first.Id], due.Select(s => s.Id));
    }

    [Fact]
    public async Task Ended_sandboxes_listed_after_one_go_on_right_after_it_those_ended_at_once_by_id()
    {
        var earliest = await SetPhaseAsync((await DeletedAsync()).Id, SandboxPhase.Stopped);
        Time.Advance(TimeSpan.FromSeconds(1));
        var atOnce = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            atOnce.Add((await SetPhaseAsync((await DeletedAsync()).Id, SandboxPhase.Stopped)).Id);
        }

        atOnce.Sort(StringComparer.Ordinal);
        Time.Advance(Retention);

        var first = await Store.Sandboxes.ListEndedAsync(Time.GetUtcNow() - Retention, null, 2, None);
        var rest = await Store.Sandboxes.ListEndedAsync(Time.GetUtcNow() - Retention, first[^1], 10, None);

        Assert.Equal([earliest.Id, atOnce[0]], first.Select(s => s.Id));
        Assert.Equal([atOnce[1], atOnce[2]], rest.Select(s => s.Id));
    }

    [Fact]
    public async Task Purge_is_a_change_until_forgotten_after_the_cutoff()
    {
        var sandbox = await DeletedAsync();
        await SetPhaseAsync(sandbox.Id, SandboxPhase.Stopped);
        var before = await Store.Sandboxes.GetRevisionAsync(None);
        await Store.Sandboxes.PurgeEndedAsync(sandbox.Id, Time.GetUtcNow(), None);
        var change = Assert.Single(await Store.Sandboxes.ListChangedSinceAsync(before, 10, None));
        Time.Advance(Retention);

        var forgotten = await Store.Sandboxes.ForgetPurgesAsync(Time.GetUtcNow() - Retention, 10, None);

        Assert.Equal((sandbox.Id, null), (change.Id, change.Sandbox));
        Assert.Equal(1, forgotten);
        Assert.Empty(await Store.Sandboxes.ListChangedSinceAsync(before, 10, None));
    }

    [Fact]
    public async Task Purger_goes_on_at_once_after_a_full_batch_instead_of_waiting_for_its_next_interval()
    {
        var ids = new List<string>();
        for (var i = 0; i < RemoteDev.ControlPlane.Purge.DeletedSandboxPurger.BatchSize + 20; i++)
        {
            var sandbox = await DeletedAsync();
            await SetPhaseAsync(sandbox.Id, SandboxPhase.Stopped);
            ids.Add(sandbox.Id);
        }

        Time.Advance(Retention);
        var options = new ControlPlaneOptions { DeletedRetention = Retention, PurgeInterval = TimeSpan.FromHours(1) };
        using var purger = new RemoteDev.ControlPlane.Purge.DeletedSandboxPurger(
            Store.Sandboxes, OpenStoreGate(), new RemoteDev.ControlPlane.Observed.ObservedState(), new RemoteDev.ControlPlane.Metrics.ControlPlaneMetrics(), options, Time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<RemoteDev.ControlPlane.Purge.DeletedSandboxPurger>.Instance);

        await purger.StartAsync(None);
        try
        {
            // Ended at the same time, they are purged in the order of their ids: the last of them goes last.
            var last = ids.Order(StringComparer.Ordinal).Last();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (await Store.Sandboxes.GetAsync(last, None) is not null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            foreach (var id in ids)
            {
                Assert.Null(await Store.Sandboxes.GetAsync(id, None));
            }
        }
        finally
        {
            await purger.StopAsync(None);
        }
    }

    [Fact]
    public void A_stopped_status_starts_with_its_phase_as_migration_2_reads_it()
    {
        var status = new SandboxStatus { Phase = SandboxPhase.Stopped, Reason = "deleted", Generation = 2, PhaseSince = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch) };

        Assert.Equal(new byte[] { 0x08, 0x06 }, status.ToByteArray()[..2]);
    }

    private async Task<SandboxRecord> DeletedAsync()
    {
        var created = await Store.Sandboxes.CreateAsync(new NewSandbox("web-" + Guid.NewGuid().ToString("N")[..6], "alpha", new Dictionary<string, string>(), new SandboxSpec()), None);
        return await Store.Sandboxes.MarkDeletedAsync(created.Id, None);
    }

    private async Task<SandboxRecord> SetPhaseAsync(string id, SandboxPhase phase)
    {
        var current = (await Store.Sandboxes.GetAsync(id, None))!;
        return await Store.Sandboxes.UpdateStatusAsync(id, new SandboxStatus { Phase = phase, Reason = "deleted" }, current.Revision, None);
    }
}

public sealed class SandboxPurgeStoreTests_Sqlite : SandboxPurgeStoreTests
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Sqlite(dataDirectory);
}

public sealed class SandboxPurgeStoreTests_Postgres(PostgresFixture postgres) : SandboxPurgeStoreTests, IClassFixture<PostgresFixture>
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Postgres(postgres, dataDirectory);
}
