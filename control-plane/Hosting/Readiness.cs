using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Hosting;
using RemoteDev.ControlPlane.Reconcile;
using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Hosting;

internal enum ReadinessState
{
    /// <summary>At launch, until the store is reachable and migrated (<see cref="StoreGate"/>).</summary>
    WaitingForStore,

    /// <summary>Until the reconciler adopted the running sandboxes and reaped orphans (<see cref="ReconcilerHost.Started"/>).</summary>
    Recovering,

    Ready,

    /// <summary>From the moment the application starts stopping, so load balancers drain.</summary>
    Stopping,
}

/// <summary>
/// Whether the control plane should get traffic: the one answer behind /readyz and the gRPC health of the server
/// (service ""), which is SERVING only when <see cref="ReadinessState.Ready"/>. It follows three facts that each happen
/// once (the store gate opens, the reconciler recovers, the application stops) and publishes every change as it
/// happens, so health watchers see it at once. Resolve it before the server listens: until then gRPC health says
/// SERVING.
/// </summary>
internal sealed class Readiness
{
    private readonly object _lock = new();
    private readonly StoreGate _store;
    private readonly ReconcilerHost _reconciler;
    private readonly CancellationToken _stopping;
    private readonly HealthServiceImpl _health;

    public Readiness(StoreGate store, ReconcilerHost reconciler, IHostApplicationLifetime lifetime, HealthServiceImpl health)
    {
        _store = store;
        _reconciler = reconciler;
        _stopping = lifetime.ApplicationStopping;
        _health = health;
        Publish();
        _ = store.Opened.ContinueWith(_ => Publish(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        _ = reconciler.Started.ContinueWith(_ => Publish(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        _stopping.Register(Publish);
    }

    public ReadinessState State =>
        _stopping.IsCancellationRequested ? ReadinessState.Stopping
        : !_store.IsOpen ? ReadinessState.WaitingForStore
        : !_reconciler.Started.IsCompletedSuccessfully ? ReadinessState.Recovering
        : ReadinessState.Ready;

    private void Publish()
    {
        lock (_lock)
        {
            _health.SetStatus(string.Empty, State == ReadinessState.Ready
                ? HealthCheckResponse.Types.ServingStatus.Serving
                : HealthCheckResponse.Types.ServingStatus.NotServing);
        }
    }
}
