using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Auth;

internal static class AuthServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ApiKeyAuthenticator"/>, <see cref="AgentTokens"/>, <see cref="AdminKeyBootstrap"/> and
    /// <see cref="AuthInterceptor"/> (add it with `o.Interceptors.Add&lt;AuthInterceptor&gt;()`). Needs AddControlPlaneStore.
    /// </summary>
    public static IServiceCollection AddControlPlaneAuth(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<AgentTokens>();
        services.AddSingleton<AdminKeyBootstrap>();
        services.AddSingleton<KeyRevocations>();
        services.AddSingleton<AuthInterceptor>();
        return services;
    }

    /// <summary>Migrates the store, then creates the bootstrap admin key when no key exists. Call before serving.</summary>
    public static async Task InitializeStoreAndAuthAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<IControlPlaneStore>().MigrateAsync(cancellationToken);
        var dataDirectory = services.GetRequiredService<IOptions<StoreOptions>>().Value.DataDirectory;
        await services.GetRequiredService<AdminKeyBootstrap>().EnsureAsync(dataDirectory, cancellationToken);
    }
}
