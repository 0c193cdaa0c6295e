using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Store;

public abstract class SandboxStoreTests : StoreTestBase
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Create_returns_a_pending_sandbox_at_generation_one()
    {
        var created = await Store.Sandboxes.CreateAsync(New("web", "alpha"), None);

        var fetched = await Store.Sandboxes.GetAsync(created.Id, None);

        Assert.NotNull(fetched);
        Assert.Equal(("web", "alpha", 1L, false, SandboxPhase.Pending), (fetched.Name, fetched.Project, fetched.Generation, fetched.Deleted, fetched.Status.Phase));
        Assert.Equal(created.Spec, fetched.Spec);
        Assert.Equal("v1", fetched.Labels["app"]);
        Assert.Equal(created.Revision, fetched.CreatedRevision);
    }

    [Fact]
    public async Task Create_with_a_live_duplicate_name_in_the_project_is_already_exists()
    {
        await Store.Sandboxes.CreateAsync(New("web", "alpha"), None);

        var error = await Assert.ThrowsAsync<StoreException>(() => Store.Sandboxes.CreateAsync(New("web", "alpha"), None));

        Assert.Equal((StoreError.AlreadyExists, "name"), (error.Error, error.Field));
    }

    [Fact]
    public async Task The_same_name_is_free_in_another_project_and_after_deletion()
    {
        var first = await Store.Sandboxes.CreateAsync(New("web", "alpha"), None);
        await Store.Sandboxes.CreateAsync(New("web", "beta"), None);
        await Store.Sandboxes.MarkDeletedAsync(first.Id, None);

        var again = await Store.Sandboxes.CreateAsync(New("web", "alpha"), None);

        Assert.NotEqual(first.Id, again.Id);
    }

    [Fact]
    public async Task Get_of_an_unknown_id_is_null()
    {
        Assert.Null(await Store.Sandboxes.GetAsync("sbx-unknown", None));
    }

    [Fact]
    public async Task List_pages_through_every_sandbox_in_creation_order()
    {
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add((await Store.Sandboxes.CreateAsync(New($"s{i}", "alpha"), None)).Id);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.Sandboxes.ListAsync(new SandboxQuery("alpha", new Dictionary<string, string>(), 3, token), None);
            seen.AddRange(page.Sandboxes.Select(s => s.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task The_token_after_a_listed_sandbox_continues_right_after_it()
    {
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Store.Sandboxes.CreateAsync(New($"s{i}", "alpha"), None)).Id);
        }

        var page = await Store.Sandboxes.ListAsync(new SandboxQuery("alpha", new Dictionary<string, string>(), 4, null), None);
        var rest = await Store.Sandboxes.ListAsync(new SandboxQuery("alpha", new Dictionary<string, string>(), 4, page.TokensAfter[1]), None);

        Assert.Equal(page.NextPageToken, page.TokensAfter[^1]);
        Assert.Equal(ids[2..], rest.Sandboxes.Select(s => s.Id));
        Assert.Null(rest.NextPageToken);
    }

    [Fact]
    public async Task List_filters_by_project_and_every_label_exactly()
    {
        var match = await Store.Sandboxes.CreateAsync(New("a", "alpha", ("app", "web"), ("tier", "front")), None);
        await Store.Sandboxes.CreateAsync(New("b", "alpha", ("app", "web")), None);
        await Store.Sandboxes.CreateAsync(New("c", "alpha", ("app", "web"), ("tier", "back")), None);
        await Store.Sandboxes.CreateAsync(New("d", "beta", ("app", "web"), ("tier", "front")), None);

        var page = await Store.Sandboxes.ListAsync(
            new SandboxQuery("alpha", new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }, 50, null), None);

        Assert.Equal([match.Id], page.Sandboxes.Select(s => s.Id));
        Assert.Null(page.NextPageToken);
    }

    [Fact]
    public async Task List_with_a_forged_page_token_is_invalid_argument()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() =>
            Store.Sandboxes.ListAsync(new SandboxQuery(null, new Dictionary<string, string>(), 10, "not-a-token"), None));

        Assert.Equal((StoreError.InvalidArgument, "page_token"), (error.Error, error.Field));
    }

    [Fact]
    public async Task Spec_update_bumps_generation_and_revision()
    {
        var created = await Store.Sandboxes.CreateAsync(New("web", "alpha"), None);
        var spec = new SandboxSpec { Driver = "process", Image = "changed" };

        var updated = await Store.Sandboxes.UpdateSpecAsync(created.Id, spec, created.Revision, None);

        Assert.Equal(2, updated.Generation);
        Assert.True(updated.Revision > created.Revision);
        Assert.Equal("changed", updated.Spec.Image);
    }

    [Fact]
    public async Task Status_update_keeps_generation_and_bumps_revision()
    {
        var created = await Store.Sandboxes.CreateAsync(New("web", "alpha"), None);

        var updated = await Store.Sandboxes.UpdateStatusAsync(created.Id, new SandboxStatus { Phase = SandboxPhase.Ready }, created.Revision, None);

        Assert.Equal((1L, SandboxPhase.Ready), (updated.Generation, updated.Status.Phase));
        Assert.True(updated.Revision > created.Revision);
    }

    [Fact]
    public async Task Status_update_with_a_stale_revision_is_a_conflict()
    {
        var created = await Store.Sandboxes.CreateAsync(New("web", "alpha"), None);
        await Store.Sandboxes.UpdateSpecAsync(created.Id, new SandboxSpec { Image = "x" }, null, None);

        var error = await Assert.ThrowsAsync<StoreException>(() =>
            Store.Sandboxes.UpdateStatusAsync(created.Id, new SandboxStatus { Phase = SandboxPhase.Ready }, created.Revision, None));

        Assert.Equal(StoreError.Conflict, error.Error);
    }

    [Fact]
    public async Task Update_of_an_unknown_sandbox_is_not_found()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.Sandboxes.UpdateSpecAsync("sbx-missing", new SandboxSpec(), null, None));

        Assert.Equal(StoreError.NotFound, error.Error);
    }

    [Fact]
    public async Task Mark_deleted_bumps_generation_once()
    {
        var created = await Store.Sandboxes.CreateAsync(New("web", "alpha"), None);

        var deleted = await Store.Sandboxes.MarkDeletedAsync(created.Id, None);
        var again = await Store.Sandboxes.MarkDeletedAsync(created.Id, None);

        Assert.Equal((true, 2L), (deleted.Deleted, deleted.Generation));
        Assert.Equal(deleted.Revision, again.Revision);
    }

    [Fact]
    public async Task Purge_removes_the_sandbox_and_its_output()
    {
        var created = await Store.Sandboxes.CreateAsync(New("web", "alpha"), None);
        var stream = new OutputStreamKey(created.Id, "main");
        await Store.Output.AppendAsync([OutputWrite.Chunk(stream, "e1", 0, StreamKind.Stdout, new byte[] { 1, 2, 3 })], None);

        await Store.Sandboxes.PurgeAsync(created.Id, None);

        Assert.Null(await Store.Sandboxes.GetAsync(created.Id, None));
        Assert.Null(await Store.Output.GetStreamAsync(stream, None));
    }

    [Fact]
    public async Task Changes_since_a_revision_list_latest_states_and_purges_in_revision_order()
    {
        var a = await Store.Sandboxes.CreateAsync(New("a", "alpha"), None);
        var start = await Store.Sandboxes.GetRevisionAsync(None);
        var b = await Store.Sandboxes.CreateAsync(New("b", "alpha"), None);
        await Store.Sandboxes.UpdateStatusAsync(a.Id, new SandboxStatus { Phase = SandboxPhase.Ready }, a.Revision, None);
        await Store.Sandboxes.PurgeAsync(b.Id, None);

        var changes = await Store.Sandboxes.ListChangedSinceAsync(start, 100, None);

        Assert.Equal([(a.Id, true), (b.Id, false)], changes.Select(c => (c.Id, c.Sandbox is not null)));
        Assert.Equal(SandboxPhase.Ready, changes[0].Sandbox!.Status.Phase);
        Assert.True(changes[0].Revision < changes[1].Revision);
        Assert.Equal(changes[1].Revision, await Store.Sandboxes.GetRevisionAsync(None));
    }

    [Fact]
    public async Task Wait_for_change_completes_when_a_later_change_commits()
    {
        var revision = await Store.Sandboxes.GetRevisionAsync(None);
        var wait = Store.Sandboxes.WaitForChangeAsync(revision, None);

        await Store.Sandboxes.CreateAsync(New("a", "alpha"), None);

        await wait.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Sandboxes_survive_closing_and_reopening_the_store()
    {
        var created = await Store.Sandboxes.CreateAsync(New("web", "alpha"), None);
        await Store.Sandboxes.UpdateStatusAsync(created.Id, new SandboxStatus { Phase = SandboxPhase.Ready, Reason = "ok" }, created.Revision, None);

        await ReopenAsync();

        var fetched = await Store.Sandboxes.GetAsync(created.Id, None);
        Assert.Equal((SandboxPhase.Ready, "ok"), (fetched!.Status.Phase, fetched.Status.Reason));
    }

    private static NewSandbox New(string name, string project, params (string Key, string Value)[] labels) => new(
        name,
        project,
        labels.Length == 0 ? new Dictionary<string, string> { ["app"] = "v1" } : labels.ToDictionary(l => l.Key, l => l.Value),
        new SandboxSpec
        {
            Driver = "process",
            Processes = { new ProcessSpec { Name = "main", Command = "sleep", Args = { "60" } } },
            Env = { ["A"] = "1" },
        });
}

public sealed class SandboxStoreTests_Sqlite : SandboxStoreTests
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Sqlite(dataDirectory);
}

public sealed class SandboxStoreTests_Postgres(PostgresFixture postgres) : SandboxStoreTests, IClassFixture<PostgresFixture>
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Postgres(postgres, dataDirectory);
}
