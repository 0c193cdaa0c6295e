namespace RemoteDev.Agent.Tests.Infrastructure;

/// <summary>One agent and gateway shared by the tests of a class (they use distinct process names and paths).</summary>
public sealed class LinkFixture : IAsyncLifetime
{
    internal LinkHarness Link { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Link = await LinkHarness.StartAsync(null);
        await Link.HelloAsync(1);
    }

    public async Task DisposeAsync() => await Link.DisposeAsync();
}
