using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

public abstract class SandboxLifecycleTests(ControlPlaneFixture cp)
{
    [Fact]
    public async Task Created_sandbox_becomes_ready_with_its_processes_running()
    {
        var created = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("lifecycle", Specs.Shell("ticker", "while :; do echo tick; sleep 0.2; done")));

        var ready = await Waits.PhaseAsync(cp.Admin, created.Id, SandboxPhase.Ready);

        Assert.True(ready.Status.AgentConnected);
        var processes = await cp.Admin.Processes.ListAsync(new ListProcessesRequest { SandboxId = created.Id });
        Assert.Equal("ticker", Assert.Single(processes.Processes).Name);
    }

    [Fact]
    public async Task Deleted_sandbox_stops_and_keeps_its_logs()
    {
        var created = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("lifecycle", Specs.Shell("hello", "echo hello-from-deleted; sleep 600")));
        await Waits.PhaseAsync(cp.Admin, created.Id, SandboxPhase.Ready);
        await Waits.UntilAsync(() => LogText(created.Id, "hello"), t => t.Contains("hello-from-deleted", StringComparison.Ordinal), "output stored");

        await cp.Admin.Sandboxes.DeleteAsync(new DeleteSandboxRequest { Id = created.Id });

        await Waits.PhaseAsync(cp.Admin, created.Id, SandboxPhase.Stopped);
        Assert.Contains("hello-from-deleted", await LogText(created.Id, "hello"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_and_list_show_the_sandbox_in_its_project_and_by_label()
    {
        var request = Specs.Sandbox("listing");
        request.Labels["team"] = "blue";
        var created = await cp.Admin.Sandboxes.CreateAsync(request);

        var got = await cp.Admin.Sandboxes.GetAsync(new GetSandboxRequest { Id = created.Id });
        var byLabel = new ListSandboxesRequest { Project = "listing" };
        byLabel.Labels["team"] = "blue";
        var listed = await cp.Admin.Sandboxes.ListAsync(byLabel);

        Assert.Equal(request.Name, got.Name);
        Assert.Contains(listed.Sandboxes, s => s.Id == created.Id);
    }

    [Fact]
    public async Task Watch_reports_phases_in_order_up_to_ready()
    {
        using var cts = new CancellationTokenSource(Waits.Generous);
        using var watch = cp.Admin.Sandboxes.Watch(new WatchSandboxesRequest { Project = "watching" }, cancellationToken: cts.Token);
        var created = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("watching"));
        var phases = new List<SandboxPhase>();

        await foreach (var change in watch.ResponseStream.ReadAllAsync(cts.Token))
        {
            if (change.Sandbox.Id == created.Id && (phases.Count == 0 || phases[^1] != change.Sandbox.Status.Phase))
            {
                phases.Add(change.Sandbox.Status.Phase);
            }

            if (phases.Contains(SandboxPhase.Ready))
            {
                break;
            }
        }

        Assert.Equal(phases.OrderBy(p => (int)p), phases);
        Assert.Equal(SandboxPhase.Ready, phases[^1]);
    }

    private async Task<string> LogText(string sandboxId, string process)
    {
        using var logs = cp.Admin.Processes.Logs(new LogsRequest { SandboxId = sandboxId, Process = process });
        var text = new System.Text.StringBuilder();
        await foreach (var message in logs.ResponseStream.ReadAllAsync())
        {
            text.Append(message.Output?.Data.ToStringUtf8());
        }

        return text.ToString();
    }
}

public sealed class SandboxLifecycleTestsOnSqlite(SqliteControlPlane cp) : SandboxLifecycleTests(cp), IClassFixture<SqliteControlPlane>;

public sealed class SandboxLifecycleTestsOnPostgres(PostgresControlPlane cp) : SandboxLifecycleTests(cp), IClassFixture<PostgresControlPlane>;
