using RemoteDev.ControlPlane.Drivers;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Drivers;

/// <summary>
/// What every <see cref="ISandboxDriver"/> must do. A concrete class per driver supplies the driver; its stand-in agent
/// exits at once with code 3, after printing "boom: cannot open the data dir", in a sandbox whose id starts with
/// "crash".
/// </summary>
public abstract class SandboxDriverConformance : IAsyncLifetime
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private readonly List<string> _ids = [];

    internal abstract ISandboxDriver Driver { get; }

    /// <summary>A second driver over the same state, as after a control-plane restart.</summary>
    internal abstract ISandboxDriver Restarted();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var id in _ids)
        {
            await Driver.DestroyAsync(id, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Started_sandbox_is_running()
    {
        var id = await StartAsync();

        var inspection = await Driver.InspectAsync(id, CancellationToken.None);

        Assert.Equal(SandboxRunState.Running, inspection.State);
    }

    [Fact]
    public async Task Starting_a_running_sandbox_again_changes_nothing()
    {
        var id = await StartAsync();
        var before = await Driver.InspectAsync(id, CancellationToken.None);

        await Driver.StartAsync(Launch(id), CancellationToken.None);

        Assert.Equal(before, await Driver.InspectAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task Stopped_sandbox_has_exited()
    {
        var id = await StartAsync();

        await Driver.StopAsync(id, Grace, CancellationToken.None);

        Assert.Equal(SandboxRunState.Exited, (await Driver.InspectAsync(id, CancellationToken.None)).State);
    }

    [Fact]
    public async Task Destroyed_sandbox_is_absent()
    {
        var id = await StartAsync();

        await Driver.DestroyAsync(id, CancellationToken.None);

        Assert.Equal(SandboxRunState.Absent, (await Driver.InspectAsync(id, CancellationToken.None)).State);
    }

    [Fact]
    public async Task Agent_that_exits_at_once_is_reported_exited_with_how_it_ended()
    {
        var id = await StartAsync("crash");

        var inspection = await Harness.Waits.UntilAsync(
            () => Driver.InspectAsync(id, CancellationToken.None),
            i => i.State == SandboxRunState.Exited,
            "the agent's exit");

        Assert.Contains("exit code 3", inspection.ExitDetail, StringComparison.Ordinal);
        Assert.Contains("boom: cannot open the data dir", inspection.ExitDetail, StringComparison.Ordinal);
        Assert.Equal("", (await Driver.InspectAsync(await StartAsync("drv"), CancellationToken.None)).ExitDetail);
    }

    [Fact]
    public async Task Restarted_driver_adopts_running_sandboxes()
    {
        var id = await StartAsync();
        var before = await Driver.InspectAsync(id, CancellationToken.None);

        var restarted = Restarted();
        var adopted = await restarted.RecoverAsync(CancellationToken.None);

        Assert.Contains(id, adopted);
        Assert.Equal(before, await restarted.InspectAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task Orphans_are_reaped_and_known_sandboxes_kept()
    {
        var kept = await StartAsync();
        var orphan = await StartAsync();

        var reaped = await Driver.ReapOrphansAsync(new HashSet<string> { kept }, CancellationToken.None);

        Assert.Equal([orphan], reaped);
        Assert.Equal(SandboxRunState.Running, (await Driver.InspectAsync(kept, CancellationToken.None)).State);
        Assert.Equal(SandboxRunState.Absent, (await Driver.InspectAsync(orphan, CancellationToken.None)).State);
    }

    private async Task<string> StartAsync(string prefix = "drv")
    {
        var id = prefix + Guid.NewGuid().ToString("N")[..10];
        _ids.Add(id);
        await Driver.StartAsync(Launch(id), CancellationToken.None);
        return id;
    }

    private static SandboxLaunch Launch(string id) => new(id, id + ".token", new SandboxSpec { Driver = "process" });
}
