using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>Scopes, project restrictions, agent tokens and what each caller may see.</summary>
public abstract class AccessTests(ControlPlaneFixture cp)
{
    [Fact]
    public async Task Read_scope_key_can_list_but_not_create()
    {
        using var reader = await KeyAsync(Scope.Read, "");

        await reader.Sandboxes.ListAsync(new ListSandboxesRequest());
        var error = await Assert.ThrowsAsync<RpcException>(() => reader.Sandboxes.CreateAsync(Specs.Sandbox("access")).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task Project_restricted_key_sees_only_its_project()
    {
        var other = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("elsewhere"));
        using var restricted = await KeyAsync(Scope.Execute, "mine");

        var own = await restricted.Sandboxes.CreateAsync(Specs.Sandbox("mine"));
        var listed = await restricted.Sandboxes.ListAsync(new ListSandboxesRequest());
        var error = await Assert.ThrowsAsync<RpcException>(() => restricted.Sandboxes.GetAsync(new GetSandboxRequest { Id = other.Id }).ResponseAsync);

        Assert.All(listed.Sandboxes, s => Assert.Equal("mine", s.Project));
        Assert.Contains(listed.Sandboxes, s => s.Id == own.Id);
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task Calls_without_a_key_are_unauthenticated()
    {
        using var anonymous = cp.ClientWith("");

        var error = await Assert.ThrowsAsync<RpcException>(() => anonymous.Sandboxes.ListAsync(new ListSandboxesRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task Agent_token_of_one_sandbox_cannot_connect_as_another()
    {
        var first = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("tokens"));
        var second = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("tokens"));
        await Waits.PhaseAsync(cp.Admin, first.Id, SandboxPhase.Ready);

        var status = await AgentProbe.FirstMessageStatusAsync(cp.Host.GrpcAddress, AgentProbe.Hello(second.Id, AgentProbe.TokenOf(cp.Config, first.Id)));

        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
    }

    [Fact]
    public async Task Wrong_agent_token_is_unauthenticated()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("tokens"));

        var status = await AgentProbe.FirstMessageStatusAsync(cp.Host.GrpcAddress, AgentProbe.Hello(sandbox.Id, sandbox.Id + ".not-the-token"));

        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
    }

    [Fact]
    public async Task Agent_token_of_a_deleted_sandbox_is_refused_saying_it_was_deleted()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("tokens"));
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
        var token = AgentProbe.TokenOf(cp.Config, sandbox.Id);
        await cp.Admin.Sandboxes.DeleteAsync(new DeleteSandboxRequest { Id = sandbox.Id });
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Stopped);

        var status = await AgentProbe.FirstMessageStatusAsync(cp.Host.GrpcAddress, AgentProbe.Hello(sandbox.Id, token));

        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
        Assert.Contains($"sandbox {sandbox.Id} was deleted", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_link_opening_without_a_hello_is_invalid_argument()
    {
        var status = await AgentProbe.FirstMessageStatusAsync(cp.Host.GrpcAddress, new AgentMessage { Heartbeat = new Heartbeat() });

        Assert.Equal(StatusCode.InvalidArgument, status.StatusCode);
    }

    [Fact]
    public async Task Sandbox_and_process_views_carry_env_names_but_never_their_values()
    {
        var request = Specs.Sandbox("secrets", Specs.Shell("web", "sleep 600"));
        request.Spec.Env["DATABASE_PASSWORD"] = "hunter2";
        request.Spec.Processes[0].Env["API_TOKEN"] = "s3cret";
        var created = await cp.Admin.Sandboxes.CreateAsync(request);
        await Waits.PhaseAsync(cp.Admin, created.Id, SandboxPhase.Ready);
        using var reader = await KeyAsync(Scope.Read, "");

        var got = await reader.Sandboxes.GetAsync(new GetSandboxRequest { Id = created.Id });
        var listed = (await reader.Sandboxes.ListAsync(new ListSandboxesRequest { Project = "secrets" })).Sandboxes.Single(s => s.Id == created.Id);
        var watched = await FirstWatchedAsync(reader, created.Id);
        var process = (await reader.Processes.ListAsync(new ListProcessesRequest { SandboxId = created.Id })).Processes.Single();

        Assert.All([created, got, listed, watched], s => Assert.Equal("[redacted]", s.Spec.Env["DATABASE_PASSWORD"]));
        Assert.All([created, got, listed, watched], s => Assert.Equal("[redacted]", s.Spec.Processes.Single().Env["API_TOKEN"]));
        Assert.Equal("[redacted]", process.Spec.Env["API_TOKEN"]);
    }

    [Fact]
    public async Task Effective_env_of_a_process_needs_execute_scope()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("secrets", Specs.Shell("web", "sleep 600")));
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Ready);
        using var reader = await KeyAsync(Scope.Read, "");
        var request = new GetProcessRequest { SandboxId = sandbox.Id, Name = "web", IncludeEnv = true };

        var error = await Assert.ThrowsAsync<RpcException>(() => reader.Processes.GetAsync(request).ResponseAsync);
        var full = await cp.Admin.Processes.GetAsync(request);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("include_env: needs scope SCOPE_EXECUTE", error.Status.Detail, StringComparison.Ordinal);
        Assert.NotEmpty(full.EffectiveEnv);
    }

    private static async Task<Sandbox> FirstWatchedAsync(OperatorClient client, string id)
    {
        using var watch = client.Sandboxes.Watch(new WatchSandboxesRequest { Id = id });
        Assert.True(await watch.ResponseStream.MoveNext(CancellationToken.None));
        return watch.ResponseStream.Current.Sandbox;
    }

    private async Task<OperatorClient> KeyAsync(Scope scope, string project)
    {
        var created = await cp.Admin.ApiKeys.CreateAsync(new CreateApiKeyRequest { Name = $"test-{scope}", Scope = scope, Project = project });
        return cp.ClientWith(created.Token);
    }
}

public sealed class AccessTestsOnSqlite(SqliteControlPlane cp) : AccessTests(cp), IClassFixture<SqliteControlPlane>;

public sealed class AccessTestsOnPostgres(PostgresControlPlane cp) : AccessTests(cp), IClassFixture<PostgresControlPlane>;
