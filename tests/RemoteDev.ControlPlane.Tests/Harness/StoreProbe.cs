using Microsoft.Extensions.Logging.Abstractions;
using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Tests.Harness;

/// <summary>Reads a running control plane's store directly, for what the API cannot show.</summary>
internal static class StoreProbe
{
    /// <summary>The processes the store holds output streams of for the sandbox.</summary>
    public static async Task<IReadOnlyList<string>> OutputStreamsAsync(ControlPlaneConfig config, string sandboxId)
    {
        var options = new StoreOptions
        {
            Kind = config.PostgresConnectionString is null ? StoreKind.Sqlite : StoreKind.Postgres,
            DataDirectory = config.DataDir,
            ConnectionString = config.PostgresConnectionString ?? "",
        };
        await using var store = StoreFactory.Create(options, TimeProvider.System, NullLoggerFactory.Instance);
        var streams = await store.Output.ListStreamsAsync(sandboxId, CancellationToken.None);
        return [.. streams.Select(s => s.Stream.Process)];
    }
}
