using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>Bad requests: the status and the fields at fault, and nothing stored or changed.</summary>
public abstract class BadRequestTests(ControlPlaneFixture cp)
{
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
}

public sealed class BadRequestTestsOnSqlite(SqliteControlPlane cp) : BadRequestTests(cp), IClassFixture<SqliteControlPlane>;

public sealed class BadRequestTestsOnPostgres(PostgresControlPlane cp) : BadRequestTests(cp), IClassFixture<PostgresControlPlane>;
