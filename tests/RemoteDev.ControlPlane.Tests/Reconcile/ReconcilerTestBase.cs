using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Reconcile;

/// <summary>
/// A fresh store (<see cref="StoreTestBase"/>) and the control plane's background services over it
/// (<see cref="BackgroundServices"/>), their logs recorded; the stand-in agent exits at once.
/// </summary>
public abstract class ReconcilerTestBase : StoreTestBase
{
    private protected static readonly CancellationToken None = CancellationToken.None;
    private protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private BackgroundServices? _services;

    private protected RecordedLogs Logs { get; } = new();

    private protected BackgroundServices Services => _services ?? throw new InvalidOperationException("Services not started.");

    public override async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        ControlPlaneHost.CleanUp(Path.Combine(DataDirectory, "control-plane"));
        await base.DisposeAsync();
    }

    /// <summary>Starts the services over <paramref name="sandboxes"/>: the store's own, or a faulty wrapper of it.</summary>
    private protected async Task StartServicesAsync(ISandboxStore sandboxes) =>
        _services = await BackgroundServices.StartAsync(Store, sandboxes, await OptionsAsync(), Logs);

    /// <summary>Options whose data directory is cleaned up after the test and whose stand-in agent exits at once.</summary>
    private protected async Task<ControlPlaneOptions> OptionsAsync()
    {
        var dataDir = Path.Combine(DataDirectory, "control-plane");
        Directory.CreateDirectory(dataDir);
        return new ControlPlaneOptions { DataDir = dataDir, AgentPath = await StandInAgent.WriteScriptAsync(dataDir, "#!/bin/sh\nexit 3\n") };
    }

    private protected async Task<SandboxRecord> DeletedAsync()
    {
        var created = await Store.Sandboxes.CreateAsync(new NewSandbox("web", "alpha", new Dictionary<string, string>(), new SandboxSpec()), None);
        return await Store.Sandboxes.MarkDeletedAsync(created.Id, None);
    }

    private protected Task<SandboxRecord> StoppedAsync(string id) => PhaseAsync(id, SandboxPhase.Stopped);

    private protected async Task<SandboxRecord> PhaseAsync(string id, SandboxPhase phase)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var sandbox = await Store.Sandboxes.GetAsync(id, None);
            if (sandbox!.Status.Phase == phase)
            {
                return sandbox;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"sandbox {id} not {phase}; last: {sandbox.Status}");
            }

            await Task.Delay(20);
        }
    }

    private protected static Task EventuallyAsync(Func<bool> condition, string what) => EventuallyAsync(condition, what, Patience);
}
