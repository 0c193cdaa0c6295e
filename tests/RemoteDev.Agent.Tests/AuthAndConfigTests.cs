using System.Diagnostics;
using RemoteDev.Agent.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests;

public sealed class AuthAndConfigTests
{
    [Fact]
    public async Task A_rejected_token_is_retried_with_backoff_while_processes_keep_running_until_it_is_accepted()
    {
        await using var link = await LinkHarness.StartAsync(Specs.File(Specs.Shell("survivor", "exec sleep 600")), agentToken: "rotated-token");
        await link.WaitAsync(s => s.Rejections.Count >= 3 ? s.Rejections : null, "three rejected attempts");

        link.State.Update(s => s.Token = "rotated-token");
        var hello = await link.HelloAsync(1);

        Assert.Contains("rejected the agent (Unauthenticated)", link.Agent.Log);
        Assert.Equal(ProcessState.Running, hello.Processes.Single(p => p.Name == "survivor").State);
    }

    [Fact]
    public async Task No_inotify_instance_left_for_the_user_exits_1_saying_which_limit_to_raise()
    {
        // A user namespace of its own whose inotify instance limit is 0: what the 129th agent of one user meets on a
        // host with the default limit of 128.
        string[] noInotify = ["unshare", "--user", "--map-root-user", "sh", "-c", "echo 0 > /proc/sys/user/max_inotify_instances && exec \"$0\""];
        await using var gateway = await TestGateway.StartAsync(new GatewayState("sbx-noinotify", LinkHarness.Token));
        await using var agent = AgentProcess.StartUnder(noInotify, gateway.Url, "sbx-noinotify", LinkHarness.Token, null);

        var exitCode = await agent.WaitForExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Contains("Cannot start: inotify_init1: Too many open files (errno 24): this user has used up its inotify instances (fs.inotify.max_user_instances = ", agent.Log);
        Assert.DoesNotContain("Unhandled exception", agent.Log);
    }

    [Fact]
    public async Task Missing_configuration_exits_1_naming_every_missing_variable()
    {
        var info = new ProcessStartInfo(AgentProcess.Binary) { RedirectStandardError = true, UseShellExecute = false };
        info.Environment.Remove("REMOTEDEV_CONTROL_PLANE_URL");
        info.Environment.Remove("REMOTEDEV_SANDBOX_ID");
        info.Environment.Remove("REMOTEDEV_AGENT_TOKEN");
        using var agent = Process.Start(info)!;
        var stderr = await agent.StandardError.ReadToEndAsync();
        await agent.WaitForExitAsync();

        Assert.Equal(1, agent.ExitCode);
        Assert.Contains("REMOTEDEV_CONTROL_PLANE_URL", stderr);
        Assert.Contains("REMOTEDEV_SANDBOX_ID", stderr);
        Assert.Contains("REMOTEDEV_AGENT_TOKEN", stderr);
    }
}
