using System.Text;
using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>What a sandbox's processes and commands see of their environment, and what they must never see.</summary>
public sealed class SandboxEnvironmentTests(SqliteControlPlane cp) : IClassFixture<SqliteControlPlane>
{
    [Fact]
    public async Task Processes_see_the_sandbox_env_but_not_the_agent_token_or_the_control_plane_configuration()
    {
        var request = Specs.Sandbox("environment", Specs.Shell("printenv", "env; echo env-done; sleep 600"));
        request.Spec.Env["SANDBOX_VALUE"] = "from-spec";
        var created = await cp.Admin.Sandboxes.CreateAsync(request);

        var env = await OutputReads.UntilStoredContainsAsync(cp.Admin, created.Id, "printenv", "env-done");

        Assert.Contains("SANDBOX_VALUE=from-spec\n", env, StringComparison.Ordinal);
        Assert.DoesNotContain("REMOTEDEV_AGENT_TOKEN", env, StringComparison.Ordinal);
        Assert.DoesNotContain("Store__", env, StringComparison.Ordinal);
        Assert.DoesNotContain("ControlPlane__", env, StringComparison.Ordinal);
        Assert.DoesNotContain("DOTNET_GCgen0size", env, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_runs_with_the_gc_budget_the_sandbox_image_gives_it()
    {
        var created = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("environment"));
        await Waits.PhaseAsync(cp.Admin, created.Id, SandboxPhase.Ready);

        var agentEnv = RemoteDev.ControlPlane.Drivers.Process.ProcFs.Environment(AgentProbe.AgentPid(cp.Config, created.Id));

        Assert.Equal("0x400000", agentEnv["DOTNET_GCgen0size"]);
        Assert.Contains("ENV DOTNET_GCgen0size=0x400000", await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "Dockerfile.sandbox")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_sees_variables_set_in_the_sandbox_env()
    {
        var created = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("environment"));
        await Waits.PhaseAsync(cp.Admin, created.Id, SandboxPhase.Ready);
        var set = new SetEnvRequest { SandboxId = created.Id };
        set.Values["EXEC_VISIBLE"] = "pushed-value";
        await cp.Admin.Env.SetAsync(set);
        var command = new ExecCommand();
        command.Command.Add(["/bin/sh", "-c", "echo \"value=$EXEC_VISIBLE\""]);

        using var exec = cp.Admin.Processes.Exec(new ExecRequest { SandboxId = created.Id, Command = command });
        var stdout = new StringBuilder();
        await foreach (var message in exec.ResponseStream.ReadAllAsync())
        {
            stdout.Append(message.Output?.Data.ToStringUtf8());
        }

        Assert.Equal("value=pushed-value\n", stdout.ToString());
    }
}
