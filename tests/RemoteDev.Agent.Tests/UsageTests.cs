using RemoteDev.Agent.Tests.Infrastructure;

namespace RemoteDev.Agent.Tests;

public sealed class UsageTests
{
    [Fact]
    public async Task Resource_usage_arrives_at_the_interval_with_memory_per_process_and_for_the_sandbox()
    {
        await using var link = await LinkHarness.StartAsync(Specs.File(Specs.Shell("busy", "exec sleep 600")));
        await link.HelloAsync(1);

        var usage = await link.WaitAsync(s => s.Usage.FirstOrDefault(u => u.Processes.ContainsKey("busy")), "a usage report with the process");

        Assert.True(usage.Processes["busy"].MemoryBytes > 0);
        Assert.True(usage.Sandbox.MemoryBytes > 0);
        Assert.True(usage.Sandbox.CpuUsec > 0);
    }
}
