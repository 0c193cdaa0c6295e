using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Auth;
using RemoteDev.ControlPlane.Hosting;
using RemoteDev.ControlPlane.Reconcile;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;

namespace RemoteDev.ControlPlane.Tests.Reconcile;

/// <summary>
/// The control plane's services as Program wires them (AddControlPlaneAuth, AddControlPlane), in process and without
/// gRPC, over a real store whose sandbox part is <paramref name="sandboxes"/> (a faulty wrapper), with the real process
/// driver. Opens the store gate (the store is migrated) and starts the reconciler host.
/// </summary>
internal sealed class BackgroundServices(ServiceProvider provider) : IAsyncDisposable
{
    public ReconcilerHost Reconciler { get; } = provider.GetRequiredService<ReconcilerHost>();

    public static async Task<BackgroundServices> StartAsync(IControlPlaneStore store, ISandboxStore sandboxes, ControlPlaneOptions options, RecordedLogs logs)
    {
        var services = new ServiceCollection();
        Register(services, store, sandboxes, options, logs);
        var provider = services.BuildServiceProvider();
        provider.GetRequiredService<StoreGate>().Open();
        var started = new BackgroundServices(provider);
        await started.Reconciler.StartAsync(CancellationToken.None);
        return started;
    }

    /// <summary>The services as Program registers them, for a test that hosts them itself.</summary>
    public static void Register(IServiceCollection services, IControlPlaneStore store, ISandboxStore sandboxes, ControlPlaneOptions options, RecordedLogs logs)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddLogging(logging => logging.AddProvider(logs));
        services.AddSingleton(sandboxes);
        services.AddSingleton(store.Output);
        services.AddSingleton(store.ApiKeys);
        services.AddSingleton(store.AgentTokens);
        services.AddControlPlaneAuth();
        services.AddControlPlane(options);
    }

    public async ValueTask DisposeAsync()
    {
        await Reconciler.StopAsync(CancellationToken.None);
        await provider.DisposeAsync();
    }
}
