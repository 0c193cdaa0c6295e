using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Api;
using RemoteDev.ControlPlane.Auth;
using RemoteDev.ControlPlane.Drivers;
using RemoteDev.ControlPlane.Drivers.Process;
using RemoteDev.ControlPlane.Gateway;
using RemoteDev.ControlPlane.Metrics;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Output;
using RemoteDev.ControlPlane.Purge;
using RemoteDev.ControlPlane.Reconcile;
using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Hosting;

internal static class ControlPlaneServices
{
    /// <summary>Everything but the store and auth (registered by their own extensions).</summary>
    public static IServiceCollection AddControlPlane(this IServiceCollection services, ControlPlaneOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<ControlPlaneMetrics>();
        services.AddSingleton<RpcMetricsInterceptor>();
        services.AddSingleton<ObservedState>();
        services.AddSingleton<OutputHub>();
        services.AddSingleton<AgentSessions>();
        services.AddSingleton<AgentCredential>();
        services.AddSingleton(sp => new GatewayDependencies(
            options,
            sp.GetRequiredService<IOutputStore>(),
            sp.GetRequiredService<OutputHub>(),
            sp.GetRequiredService<ObservedState>(),
            sp.GetRequiredService<ControlPlaneMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<AgentSession>>()));
        services.AddSingleton<ISandboxDriver>(sp => new ProcessDriver(
            new ProcessDriverOptions(Path.Combine(options.FullDataDir, "sandboxes"), Path.GetFullPath(options.AgentPath), options.AgentUrl),
            sp.GetRequiredService<ILogger<ProcessDriver>>()));
        services.AddSingleton<StoreGate>();
        services.AddSingleton<StoreGateInterceptor>();
        services.AddGrpcHealthChecks();
        services.AddSingleton<Readiness>();
        services.AddSingleton<ReadinessProbe>();
        services.AddSingleton<SandboxReconciler>();
        services.AddSingleton<ReconcilerHost>();
        services.AddHostedService(sp => sp.GetRequiredService<ReconcilerHost>());
        services.AddHostedService<DeletedSandboxPurger>();
        services.AddSingleton<SandboxAccess>();
        services.AddSingleton<SandboxViews>();
        services.AddSingleton<ProcessStatusViews>();
        services.AddSingleton<SandboxWatcher>();
        services.AddSingleton<DesiredState>();
        services.AddSingleton<AgentCalls>();
        services.AddSingleton<StoredOutput>();
        services.AddSingleton<KnownProcesses>();
        services.AddSingleton<ExecStreamer>();
        services.AddSingleton<AttachHandler>();
        services.AddSingleton<LogsStreamer>();
        if (options.Demo)
        {
            services.AddHostedService<DemoSandbox>();
        }

        return services;
    }
}
