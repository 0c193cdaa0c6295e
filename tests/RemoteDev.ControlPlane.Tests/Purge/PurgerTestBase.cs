using RemoteDev.ControlPlane.Metrics;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Purge;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Purge;

/// <summary>
/// A fresh store (<see cref="StoreTestBase"/>) with a purger over it, its logs, observed state and metrics recorded;
/// the purger's clock is the test's manual one, so backoff delays pass only when a test advances it.
/// </summary>
public abstract class PurgerTestBase : StoreTestBase
{
    private protected const int EventPurged = 4001;
    private protected const int EventPassFailed = 4003;
    private protected const int EventSandboxFailed = 4004;
    private protected static readonly CancellationToken None = CancellationToken.None;
    private protected static readonly TimeSpan Retention = TimeSpan.FromHours(1);
    private protected static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private protected static readonly byte[] Output = "built and then deleted\n"u8.ToArray();
    private protected static readonly byte[] Token = [9, 9];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private protected RecordedLogs Logs { get; } = new();

    private protected ObservedState Observed { get; } = new();

    private protected ControlPlaneMetrics Metrics { get; } = new();

    /// <summary>A sandbox of <paramref name="project"/>, deleted and STOPPED (its retention starts now).</summary>
    private protected async Task<SandboxRecord> EndedAsync(string project) => await EndAsync(await CreatedAsync(project));

    /// <summary>A labelled sandbox with stored output and an agent token, deleted and STOPPED (its retention starts now).</summary>
    private protected async Task<SandboxRecord> EndedWithOutputAsync()
    {
        var created = await CreatedAsync("alpha");
        await Store.Output.AppendAsync([OutputWrite.Chunk(new OutputStreamKey(created.Id, "app"), "e1", 0, StreamKind.Stdout, Output)], None);
        await Store.AgentTokens.SetAsync(created.Id, Token, None);
        return await EndAsync(created);
    }

    private protected async Task<RunningPurger> StartPurgerAsync(ISandboxStore store)
    {
        var options = new ControlPlaneOptions { DeletedRetention = Retention, PurgeInterval = Interval };
        var purger = new DeletedSandboxPurger(store, OpenStoreGate(), Observed, Metrics, options, Time, Logs.For<DeletedSandboxPurger>());
        await purger.StartAsync(None);
        return new RunningPurger(purger);
    }

    /// <summary>Waits for the purger to log the sandbox's purge (without touching the store itself).</summary>
    private protected Task LoggedPurgeOfAsync(string id) =>
        EventuallyAsync(() => Logs.WithEventId(EventPurged).Any(e => e.Message.Contains(id, StringComparison.Ordinal)), $"sandbox {id} purged");

    private protected string RenderedMetrics() => Metrics.Render(new Dictionary<string, int>());

    private protected static Task EventuallyAsync(Func<bool> condition, string what) => EventuallyAsync(condition, what, Patience);

    private Task<SandboxRecord> CreatedAsync(string project) =>
        Store.Sandboxes.CreateAsync(new NewSandbox("web-" + Guid.NewGuid().ToString("N")[..6], project,
            new Dictionary<string, string> { ["run"] = Guid.NewGuid().ToString("N") }, new SandboxSpec()), None);

    private async Task<SandboxRecord> EndAsync(SandboxRecord created)
    {
        var deleted = await Store.Sandboxes.MarkDeletedAsync(created.Id, None);
        return await Store.Sandboxes.UpdateStatusAsync(created.Id, new SandboxStatus { Phase = SandboxPhase.Stopped, Reason = "deleted" }, deleted.Revision, None);
    }

    private protected sealed class RunningPurger(DeletedSandboxPurger service) : IAsyncDisposable
    {
        public DeletedSandboxPurger Service { get; } = service;

        public async ValueTask DisposeAsync()
        {
            await Service.StopAsync(None);
            Service.Dispose();
        }
    }
}
