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
