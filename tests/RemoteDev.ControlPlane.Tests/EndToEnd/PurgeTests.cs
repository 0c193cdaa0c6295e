using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>
/// A deleted sandbox is kept, with its stored output, for DeletedRetention after its teardown (STOPPED), then purged:
/// gone from Get, Logs and List, DELETED on Watch, its agent token refused, its output rows removed.
/// </summary>
public abstract class PurgeTests(ControlPlaneFixture cp)
{
    public static readonly TimeSpan Retention = TimeSpan.FromSeconds(5);
    private const string Project = "purge";
    private const string Process = "hello";
    private const string Text = "hello-from-purged";

    [Fact]
    public async Task Logs_stay_readable_within_the_retention_then_get_and_logs_are_not_found()
    {
        var sandbox = await WithOutputAsync();
        await DeleteAsync(sandbox.Id);
        var kept = await OutputReads.StoredTextAsync(cp.Admin, sandbox.Id, Process);

        await PurgedAsync(sandbox.Id);

        Assert.Contains(Text, kept, StringComparison.Ordinal);
        var logs = await Assert.ThrowsAsync<RpcException>(() => OutputReads.StoredAsync(cp.Admin, sandbox.Id, Process));
        Assert.Equal(StatusCode.NotFound, logs.StatusCode);
    }

    [Fact]
    public async Task List_shows_the_deleted_sandbox_stopped_until_it_is_purged()
    {
        var request = Specs.Sandbox(Project, Specs.Shell(Process, $"echo {Text}; sleep 600"));
        request.Labels["purge-test"] = request.Name;
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(request);
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
        await DeleteAsync(sandbox.Id);
        var before = await ListAsync(request.Name);

        await PurgedAsync(sandbox.Id);

        Assert.Equal((sandbox.Id, SandboxPhase.Stopped), (Assert.Single(before.Sandboxes).Id, before.Sandboxes[0].Status.Phase));
        Assert.Empty((await ListAsync(request.Name)).Sandboxes);
    }

    [Fact]
    public async Task Watch_started_before_the_delete_sees_the_sandbox_deleted_when_it_is_purged()
    {
        var sandbox = await WithOutputAsync();
        using var watch = cp.Admin.Sandboxes.Watch(new WatchSandboxesRequest { Id = sandbox.Id }, deadline: DateTime.UtcNow + Waits.Generous);
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));

        await DeleteAsync(sandbox.Id);

        var last = watch.ResponseStream.Current;
        while (last.Type != SandboxEvent.Types.Type.Deleted && await watch.ResponseStream.MoveNext(CancellationToken.None))
        {
            last = watch.ResponseStream.Current;
        }

        Assert.Equal((SandboxEvent.Types.Type.Deleted, sandbox.Id), (last.Type, last.Sandbox.Id));
        Assert.Equal(StatusCode.NotFound, await GetStatusAsync(sandbox.Id));
    }

    [Fact]
    public async Task Agent_token_of_a_purged_sandbox_is_unauthenticated()
    {
        var sandbox = await WithOutputAsync();
        var token = AgentProbe.TokenOf(cp.Config, sandbox.Id);
        await DeleteAsync(sandbox.Id);

        await PurgedAsync(sandbox.Id);

        var status = await AgentProbe.FirstMessageStatusAsync(cp.Host.GrpcAddress, AgentProbe.Hello(sandbox.Id, token));
        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
    }

    [Fact]
    public async Task Stored_output_is_removed_from_the_store_by_the_purge()
    {
        var sandbox = await WithOutputAsync();
        await DeleteAsync(sandbox.Id);
        var before = await StoreProbe.OutputStreamsAsync(cp.Config, sandbox.Id);

        await PurgedAsync(sandbox.Id);

        Assert.Equal([Process], before);
        Assert.Empty(await StoreProbe.OutputStreamsAsync(cp.Config, sandbox.Id));
    }

    private async Task<Sandbox> WithOutputAsync()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox(Project, Specs.Shell(Process, $"echo {Text}; sleep 600")));
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
        await OutputReads.UntilStoredContainsAsync(cp.Admin, sandbox.Id, Process, Text);
        return sandbox;
    }

    /// <summary>Deletes the sandbox and waits for its teardown to finish (STOPPED), when its retention starts.</summary>
    private async Task DeleteAsync(string id)
    {
        await cp.Admin.Sandboxes.DeleteAsync(new DeleteSandboxRequest { Id = id });
        await Waits.PhaseAsync(cp.Admin, id, SandboxPhase.Stopped);
    }

    private Task<ListSandboxesResponse> ListAsync(string label) =>
        cp.Admin.Sandboxes.ListAsync(new ListSandboxesRequest { Project = Project, Labels = { ["purge-test"] = label } }).ResponseAsync;

    private Task<StatusCode> PurgedAsync(string id) =>
        Waits.UntilAsync(() => GetStatusAsync(id), code => code == StatusCode.NotFound, $"sandbox {id} purged");

    private async Task<StatusCode> GetStatusAsync(string id)
    {
        try
        {
            await cp.Admin.Sandboxes.GetAsync(new GetSandboxRequest { Id = id });
            return StatusCode.OK;
        }
        catch (RpcException error)
        {
            return error.StatusCode;
        }
    }
}

/// <summary>A control plane that keeps deleted sandboxes for <see cref="PurgeTests.Retention"/> and looks every second.</summary>
public sealed class SqlitePurgingControlPlane : ControlPlaneFixture
{
    public override string Backend => "sqlite";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = PurgeSettings.Short;

    protected override Task<string?> ConnectionStringAsync() => Task.FromResult<string?>(null);
}

public sealed class PostgresPurgingControlPlane : ControlPlaneFixture
{
    public override string Backend => "postgres";

    protected override IReadOnlyDictionary<string, string> Settings { get; } = PurgeSettings.Short;

    protected override async Task<string?> ConnectionStringAsync() => await new Infrastructure.PostgresFixture().CreateDatabaseAsync();
}

internal static class PurgeSettings
{
    public static readonly IReadOnlyDictionary<string, string> Short = new Dictionary<string, string>
    {
        ["ControlPlane__DeletedRetention"] = PurgeTests.Retention.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        ["ControlPlane__PurgeInterval"] = "00:00:01",
    };
}

public sealed class PurgeTestsOnSqlite(SqlitePurgingControlPlane cp) : PurgeTests(cp), IClassFixture<SqlitePurgingControlPlane>;

public sealed class PurgeTestsOnPostgres(PostgresPurgingControlPlane cp) : PurgeTests(cp), IClassFixture<PostgresPurgingControlPlane>;
