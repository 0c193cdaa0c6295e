using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RemoteDev.ControlPlane.Store;

internal static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="StoreOptions"/> (bound from <paramref name="section"/>), <see cref="IControlPlaneStore"/>
    /// and its parts as singletons. Call <see cref="IControlPlaneStore.MigrateAsync"/> (or
    /// Auth's InitializeStoreAndAuthAsync) before serving.
    /// </summary>
    public static IServiceCollection AddControlPlaneStore(this IServiceCollection services, IConfiguration section)
    {
        services.Configure<StoreOptions>(section);
        services.TryAddTimeProvider();
        services.AddSingleton<IControlPlaneStore>(sp => StoreFactory.Create(
            sp.GetRequiredService<IOptions<StoreOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => sp.GetRequiredService<IControlPlaneStore>().Sandboxes);
        services.AddSingleton(sp => sp.GetRequiredService<IControlPlaneStore>().Output);
        services.AddSingleton(sp => sp.GetRequiredService<IControlPlaneStore>().ApiKeys);
        services.AddSingleton(sp => sp.GetRequiredService<IControlPlaneStore>().AgentTokens);
        return services;
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
