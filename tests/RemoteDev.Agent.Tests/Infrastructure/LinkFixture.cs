namespace RemoteDev.Agent.Tests.Infrastructure;

/// <summary>One agent and gateway shared by the tests of a class (they use distinct process names and paths).</summary>
public sealed class LinkFixture : IAsyncLifetime
{
    internal LinkHarness Link { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Link = await LinkHarness.StartAsync(null);
        await Link.WaitAsync(s => s.Lifecycle.Any(l => l.State == V1.AgentLifecycle.Ready), "READY");
    }

    public async Task DisposeAsync() => await Link.DisposeAsync();
}
