using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>Scopes, project restrictions, agent tokens and bad requests.</summary>
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
    public async Task Invalid_create_names_every_bad_field()
    {
        var request = new CreateSandboxRequest { Name = "Bad Name!", Project = "", Spec = new SandboxSpec() };
        request.Spec.Processes.Add(new ProcessSpec { Name = "-oops", Command = "" });

        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Sandboxes.CreateAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("name:", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("project:", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("spec.processes[0].name:", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("spec.processes[0].command:", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resource_limits_and_an_image_the_process_driver_cannot_honour_are_refused_by_field()
    {
        var request = Specs.Sandbox("limits");
        request.Spec.Limits = new ResourceLimits { MemoryBytes = 1 << 30 };
        request.Spec.Image = "debian:bookworm";

        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Sandboxes.CreateAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("spec.limits: the process driver cannot enforce resource limits", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("spec.image: the process driver runs no images", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_with_specs_the_supervisor_would_refuse_is_invalid_and_stores_nothing()
    {
        var request = Specs.Sandbox("refused", Specs.Shell("a", "sleep 600"), Specs.Shell("b", "sleep 600"), Specs.Shell("c", "sleep 600"));
        request.Spec.Processes[0].DependsOn.Add(new Dependency { Process = new ProcessDependency { Name = "b" } });
        request.Spec.Processes[1].DependsOn.Add(new Dependency { Process = new ProcessDependency { Name = "a" } });
        request.Spec.Processes[2].Backoff = new Backoff { Fixed = new FixedBackoff { Delay = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(-1)) } };

        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Sandboxes.CreateAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("spec.processes[2]: backoff.fixed.delay is negative", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("spec.processes: dependency cycle: a -> b -> a", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await cp.Admin.Sandboxes.ListAsync(new ListSandboxesRequest { Project = "refused" })).Sandboxes);
    }

    [Fact]
    public async Task Added_or_reloaded_process_the_supervisor_would_refuse_is_invalid_and_not_stored()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("refused-add", Specs.Shell("web", "sleep 600")));
        var negative = Specs.Shell("worker", "sleep 600");
        negative.HealthCheck = new HealthCheck { Tcp = new TcpProbe { Port = 8080 }, Interval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(-5)) };
        var cycle = Specs.Shell("web", "sleep 600");
        cycle.DependsOn.Add(new Dependency { Process = new ProcessDependency { Name = "web" } });

        var added = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Processes.AddAsync(new AddProcessRequest { SandboxId = sandbox.Id, Spec = negative }).ResponseAsync);
        var reloaded = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Processes.ReloadAsync(new ReloadProcessRequest { SandboxId = sandbox.Id, Spec = cycle }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, added.StatusCode);
        Assert.Contains("spec: healthCheck.interval is negative", added.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, reloaded.StatusCode);
        Assert.Contains("spec: depends on itself", reloaded.Status.Detail, StringComparison.Ordinal);
        var stored = await cp.Admin.Sandboxes.GetAsync(new GetSandboxRequest { Id = sandbox.Id });
        Assert.Equal(sandbox.Spec, stored.Spec);
    }

    [Fact]
    public async Task Removing_a_process_others_depend_on_is_refused_and_changes_nothing()
    {
        var web = Specs.Shell("web", "sleep 600");
        web.DependsOn.Add(new Dependency { Process = new ProcessDependency { Name = "db" } });
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("refused-remove", Specs.Shell("db", "sleep 600"), web));

        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Processes.RemoveAsync(new ProcessRef { SandboxId = sandbox.Id, Name = "db" }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("'db' is a dependency of 'web'", error.Status.Detail, StringComparison.Ordinal);
        var stored = await cp.Admin.Sandboxes.GetAsync(new GetSandboxRequest { Id = sandbox.Id });
        Assert.Equal(sandbox.Spec, stored.Spec);
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

    [Fact]
    public async Task Create_with_an_output_retention_the_store_cannot_hold_is_invalid_and_stores_nothing()
    {
        var request = Specs.Sandbox("retention", Specs.Shell("web", "sleep 600"));
        request.Spec.Processes[0].OutputRetentionBytes = 1UL << 63;

        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Sandboxes.CreateAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("spec.processes[0].output_retention_bytes: at most 9223372036854775807", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await cp.Admin.Sandboxes.ListAsync(new ListSandboxesRequest { Project = "retention" })).Sandboxes);
    }

    [Fact]
    public async Task Create_with_a_spec_over_1_MiB_is_refused_and_stores_nothing()
    {
        var request = Specs.Sandbox("spec-cap");
        request.Spec.Env["HUGE"] = new string('x', 1100 * 1024);

        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Sandboxes.CreateAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.StartsWith("spec: the sandbox's spec would be", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await cp.Admin.Sandboxes.ListAsync(new ListSandboxesRequest { Project = "spec-cap" })).Sandboxes);
    }

    [Fact]
    public async Task Env_set_growing_the_spec_past_1_MiB_is_refused_and_stores_nothing()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("spec-cap-env"));
        await cp.Admin.Env.SetAsync(EnvValue(sandbox.Id, "FIRST", 600 * 1024));

        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Env.SetAsync(EnvValue(sandbox.Id, "SECOND", 600 * 1024)).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.StartsWith("values: the sandbox's spec would be", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(["FIRST"], (await cp.Admin.Env.ListAsync(new ListEnvRequest { SandboxId = sandbox.Id })).Names);
    }

    [Fact]
    public async Task Process_added_past_the_1_MiB_spec_cap_is_refused_and_not_stored()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("spec-cap-add"));
        await cp.Admin.Env.SetAsync(EnvValue(sandbox.Id, "FIRST", 600 * 1024));
        var big = Specs.Shell("big", "sleep 600");
        big.Args.Add(new string('y', 600 * 1024));

        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Processes.AddAsync(new AddProcessRequest { SandboxId = sandbox.Id, Spec = big }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.StartsWith("spec: the sandbox's spec would be", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await cp.Admin.Sandboxes.GetAsync(new GetSandboxRequest { Id = sandbox.Id })).Spec.Processes);
    }

    [Fact]
    public async Task Unknown_sandbox_is_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Sandboxes.GetAsync(new GetSandboxRequest { Id = "no-such-sandbox" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Duplicate_name_in_a_project_already_exists()
    {
        var request = Specs.Sandbox("dupes");
        await cp.Admin.Sandboxes.CreateAsync(request);

        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Sandboxes.CreateAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
    }

    [Fact]
    public async Task Imperative_call_on_a_deleted_sandbox_is_failed_precondition()
    {
        var sandbox = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("offline"));
        await cp.Admin.Sandboxes.DeleteAsync(new DeleteSandboxRequest { Id = sandbox.Id });
        await Waits.PhaseAsync(cp.Admin, sandbox.Id, SandboxPhase.Stopped);
        var command = new ExecCommand();
        command.Command.Add("true");

        using var exec = cp.Admin.Processes.Exec(new ExecRequest { SandboxId = sandbox.Id, Command = command });
        var error = await Assert.ThrowsAsync<RpcException>(() => exec.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
    }

    private static SetEnvRequest EnvValue(string sandboxId, string name, int bytes)
    {
        var request = new SetEnvRequest { SandboxId = sandboxId };
        request.Values[name] = new string('v', bytes);
        return request;
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
