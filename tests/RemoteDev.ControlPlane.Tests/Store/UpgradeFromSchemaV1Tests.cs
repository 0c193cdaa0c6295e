using Microsoft.Extensions.Logging.Abstractions;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Store.Sql;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Store;

/// <summary>
/// Users upgrade the control plane in place: a database that schema version 1 built and filled (a live sandbox, one
/// deleted and torn down, one deleted while still being torn down, their output, an API key, agent tokens) is opened
/// by the current store, which migrates it. Every row stays, and the deleted sandboxes are purged a retention after
/// their teardown ended, as new ones are.
/// </summary>
public abstract class UpgradeFromSchemaV1Tests : IAsyncLifetime
{
    private const string Project = "alpha";
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    private static readonly TimeSpan ClockSlack = TimeSpan.FromMilliseconds(1);
    private static readonly Dictionary<string, string> Labels = new() { ["team"] = "a" };
    private static readonly SandboxSpec Spec = new() { Processes = { new ProcessSpec { Name = "app", Command = "sleep", Args = { "600" } } } };
    private static readonly byte[] TokenHash = [7, 7, 7];
    private static readonly byte[] KeyHash = [4, 2];

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "remotedev-upgrade-test-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTime _time = new(DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly Dictionary<string, SandboxStatus> _statuses = new(StringComparer.Ordinal);
    private StoreOptions _options = new();
    private IControlPlaneStore? _store;
    private IReadOnlyList<int> _appliedBefore = [];
    private long _revisionBefore;
    private ApiKeyRecord _key = null!;
    private string _live = "";
    private string _deletedStopped = "";
    private string _deletedStopping = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDirectory);
        _options = await CreateOptionsAsync(_dataDirectory);
        var database = OlderSchemaDatabase.Open(_options, version: 1);
        await using var v1 = new SqlControlPlaneStore(database, _options, _time, NullLogger<SqlControlPlaneStore>.Instance);
        await v1.MigrateAsync(None);
        var sandboxes = new SchemaV1Sandboxes(database, _time);

        _deletedStopped = await sandboxes.CreateAsync(new NewSandbox("web", Project, Labels, Spec));
        await sandboxes.MarkDeletedAsync(_deletedStopped);
        await sandboxes.UpdateStatusAsync(_deletedStopped, Status(SandboxPhase.Stopping, "deleted", generation: 2));
        await SetStatusAsync(sandboxes, _deletedStopped, Status(SandboxPhase.Stopped, "deleted", generation: 2));
        _live = await sandboxes.CreateAsync(new NewSandbox("web", Project, Labels, Spec));
        await SetStatusAsync(sandboxes, _live, Status(SandboxPhase.Ready, "", generation: 1));
        _deletedStopping = await sandboxes.CreateAsync(new NewSandbox("db", Project, new Dictionary<string, string>(), Spec));
        await sandboxes.MarkDeletedAsync(_deletedStopping);
        await SetStatusAsync(sandboxes, _deletedStopping, Status(SandboxPhase.Stopping, "deleted", generation: 2));

        foreach (var id in new[] { _live, _deletedStopped, _deletedStopping })
        {
            await v1.Output.AppendAsync([OutputWrite.Chunk(new OutputStreamKey(id, "app"), "e1", 0, StreamKind.Stdout, OutputOf(id))], None);
            await v1.AgentTokens.SetAsync(id, TokenHash, None);
        }

        _key = new ApiKeyRecord("key-ci", "ci", Scope.Execute, Project, _time.GetUtcNow(), _time.GetUtcNow().AddDays(30), Revoked: false);
        await v1.ApiKeys.InsertAsync(_key, KeyHash, None);
        _appliedBefore = await v1.AppliedMigrationsAsync(None);
        _revisionBefore = await ReadRevisionAsync(database);
    }

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Upgrade_applies_migration_2_over_schema_1()
    {
        var store = await UpgradeAsync();

        Assert.Equal([1], _appliedBefore);
        Assert.Equal([1, 2], await store.AppliedMigrationsAsync(None));
    }

    [Fact]
    public async Task Upgrade_keeps_every_sandbox_as_schema_1_wrote_it()
    {
        var store = await UpgradeAsync();

        var page = await store.Sandboxes.ListAsync(new SandboxQuery(null, new Dictionary<string, string>(), 10, null), None);
        var labelled = await store.Sandboxes.ListAsync(new SandboxQuery(Project, Labels, 10, null), None);
        Assert.Equal(
            [(_deletedStopped, "web", true, 2L), (_live, "web", false, 1L), (_deletedStopping, "db", true, 2L)],
            page.Sandboxes.Select(s => (s.Id, s.Name, s.Deleted, s.Generation)));
        Assert.All(page.Sandboxes, s => Assert.Equal((Project, Spec, _statuses[s.Id], _time.GetUtcNow()), (s.Project, s.Spec, s.Status, s.CreatedAt)));
        Assert.Equal([_deletedStopped, _live], labelled.Sandboxes.Select(s => s.Id));
        Assert.Equal(_revisionBefore, await store.Sandboxes.GetRevisionAsync(None));
    }

    [Fact]
    public async Task Upgrade_keeps_stored_output_api_keys_and_agent_tokens()
    {
        var store = await UpgradeAsync();

        foreach (var id in new[] { _live, _deletedStopped, _deletedStopping })
        {
            var read = await store.Output.ReadAsync(new OutputStreamKey(id, "app"), 0, 1 << 20, None);
            Assert.Equal(OutputOf(id), Assert.Single(read.Segments).Data.ToArray());
            Assert.Equal(TokenHash, await store.AgentTokens.GetHashAsync(id, None));
        }

        var key = await store.ApiKeys.GetAsync(_key.Id, None);
        Assert.Equal(_key, key!.Key);
        Assert.Equal(KeyHash, key.SecretHash);
    }

    [Fact]
    public async Task Sandbox_deleted_and_stopped_before_the_upgrade_is_purged_a_retention_after_the_upgrade()
    {
        var started = DateTimeOffset.UtcNow;
        var store = await UpgradeAsync();
        var finished = DateTimeOffset.UtcNow;

        var ended = (await store.Sandboxes.GetAsync(_deletedStopped, None))!.EndedAt!.Value;
        var early = await EndedIdsAsync(store, ended - TimeSpan.FromTicks(10));
        var due = await EndedIdsAsync(store, ended);
        var purged = await store.Sandboxes.PurgeEndedAsync(_deletedStopped, ended, None);

        Assert.InRange(ended, started - ClockSlack, finished + ClockSlack);
        Assert.Empty(early);
        Assert.Equal([_deletedStopped], due);
        Assert.True(purged);
        Assert.Null(await store.Sandboxes.GetAsync(_deletedStopped, None));
        Assert.Null(await store.Output.GetStreamAsync(new OutputStreamKey(_deletedStopped, "app"), None));
        Assert.Null(await store.AgentTokens.GetHashAsync(_deletedStopped, None));
        Assert.NotNull(await store.Output.GetStreamAsync(new OutputStreamKey(_live, "app"), None));
    }

    [Fact]
    public async Task Sandbox_still_being_torn_down_at_the_upgrade_is_purged_a_retention_after_its_teardown_ends()
    {
        var store = await UpgradeAsync();
        var stopping = (await store.Sandboxes.GetAsync(_deletedStopping, None))!;
        _time.Advance(Retention * 3);
        var teardownEnd = _time.GetUtcNow();

        var stopped = await store.Sandboxes.UpdateStatusAsync(_deletedStopping, Status(SandboxPhase.Stopped, "deleted", generation: 2), stopping.Revision, None);
        var early = await EndedIdsAsync(store, teardownEnd - TimeSpan.FromTicks(10));
        var due = await EndedIdsAsync(store, teardownEnd);
        var purged = await store.Sandboxes.PurgeEndedAsync(_deletedStopping, teardownEnd, None);

        Assert.Null(stopping.EndedAt);
        Assert.Equal(teardownEnd, stopped.EndedAt);
        Assert.Equal([_deletedStopped], early);
        Assert.Equal([_deletedStopped, _deletedStopping], due);
        Assert.True(purged);
    }

    [Fact]
    public async Task Live_sandbox_from_before_the_upgrade_is_never_purged()
    {
        var store = await UpgradeAsync();

        var due = await EndedIdsAsync(store, DateTimeOffset.MaxValue.AddYears(-1));
        var purged = await store.Sandboxes.PurgeEndedAsync(_live, DateTimeOffset.MaxValue.AddYears(-1), None);

        Assert.Equal([_deletedStopped], due);
        Assert.False(purged);
        Assert.NotNull(await store.Sandboxes.GetAsync(_live, None));
    }

    private protected abstract Task<StoreOptions> CreateOptionsAsync(string dataDirectory);

    private static async Task<IReadOnlyList<string>> EndedIdsAsync(IControlPlaneStore store, DateTimeOffset endedBefore) =>
        [.. (await store.Sandboxes.ListEndedAsync(endedBefore, null, 100, None)).Select(s => s.Id)];

    /// <summary>Opens the schema-1 database with the current store, as the upgraded control plane does at start.</summary>
    private async Task<IControlPlaneStore> UpgradeAsync()
    {
        _store = StoreFactory.Create(_options, _time, NullLoggerFactory.Instance);
        await _store.MigrateAsync(None);
        return _store;
    }

    private async Task SetStatusAsync(SchemaV1Sandboxes sandboxes, string id, SandboxStatus status)
    {
        await sandboxes.UpdateStatusAsync(id, status);
        _statuses[id] = status;
    }

    private SandboxStatus Status(SandboxPhase phase, string reason, ulong generation) => new()
    {
        Phase = phase,
        Reason = reason,
        AgentConnected = phase == SandboxPhase.Ready,
        AgentLifecycle = phase == SandboxPhase.Ready ? AgentLifecycle.Ready : AgentLifecycle.Unspecified,
        Generation = generation,
        ObservedGeneration = phase == SandboxPhase.Ready ? generation : 0,
        PhaseSince = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_time.GetUtcNow()),
    };

    private static byte[] OutputOf(string id) => System.Text.Encoding.UTF8.GetBytes($"output of {id}, written before the upgrade\n");

    private static async Task<long> ReadRevisionAsync(Database database)
    {
        await using var connection = await database.OpenReadAsync(None);
        await using var command = Database.Command(connection, null, "SELECT revision FROM store_meta WHERE id = 1");
        return Convert.ToInt64(await command.ExecuteScalarAsync(None), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class UpgradeFromSchemaV1Tests_Sqlite : UpgradeFromSchemaV1Tests
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Sqlite(dataDirectory);
}

public sealed class UpgradeFromSchemaV1Tests_Postgres(PostgresFixture postgres) : UpgradeFromSchemaV1Tests, IClassFixture<PostgresFixture>
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Postgres(postgres, dataDirectory);
}
