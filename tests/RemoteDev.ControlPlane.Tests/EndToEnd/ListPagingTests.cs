using Grpc.Net.Client;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>
/// Sandboxes near the spec and label caps, more of them than fit the 4 MiB a gRPC client takes by default: the
/// operator client here keeps that default, so a page over it fails the call as it would for any standard client.
/// </summary>
public abstract class ListPagingTests(ControlPlaneFixture cp)
{
    private const string Project = "paging";
    private const int Sandboxes = 10;
    private const int TagBytes = 110 * 1024;
    private const int Tags = 8;
    private const int LabelBytes = 60 * 1024;

    private static readonly int ClientLimit = new GrpcChannelOptions().MaxReceiveMessageSize!.Value;

    [Fact]
    public async Task Following_next_page_token_lists_every_large_sandbox_once_in_order_in_pages_a_default_client_takes()
    {
        var created = new List<string>();
        for (var i = 0; i < Sandboxes; i++)
        {
            created.Add((await cp.Admin.Sandboxes.CreateAsync(Large())).Id);
        }

        var pages = new List<ListSandboxesResponse>();
        var request = new ListSandboxesRequest { Project = Project };
        do
        {
            var page = await cp.Admin.Sandboxes.ListAsync(request);
            pages.Add(page);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Assert.Equal(created, pages.SelectMany(p => p.Sandboxes).Select(s => s.Id));
        Assert.All(pages, p => Assert.InRange(p.CalculateSize(), 1, ClientLimit));
        Assert.InRange(pages.Sum(p => (long)p.CalculateSize()), ClientLimit + 1L, long.MaxValue);
    }

    /// <summary>About 900 KiB of spec in tags of a process that is never started, and 60 KiB of labels.</summary>
    private static CreateSandboxRequest Large()
    {
        var process = Specs.Shell("idle", "sleep 600");
        process.DesiredState = DesiredProcessState.Stopped;
        process.Required = false;
        for (var i = 0; i < Tags; i++)
        {
            process.Tags.Add($"{i}-" + new string('t', TagBytes));
        }

        var request = Specs.Sandbox(Project, process);
        request.Labels["filler"] = new string('l', LabelBytes);
        return request;
    }
}

public sealed class ListPagingTestsOnSqlite(SqliteControlPlane cp) : ListPagingTests(cp), IClassFixture<SqliteControlPlane>;

public sealed class ListPagingTestsOnPostgres(PostgresControlPlane cp) : ListPagingTests(cp), IClassFixture<PostgresControlPlane>;
