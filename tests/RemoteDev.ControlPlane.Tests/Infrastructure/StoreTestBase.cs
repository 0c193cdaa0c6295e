using Microsoft.Extensions.Logging.Abstractions;
using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Tests.Infrastructure;

/// <summary>
/// A fresh, migrated store per test: SQLite in a temp dir or a new PostgreSQL database. Concrete test classes come
/// in pairs (…_Sqlite, …_Postgres) so every store test runs against both.
/// </summary>
public abstract class StoreTestBase : IAsyncLifetime
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "remotedev-store-test-" + Guid.NewGuid().ToString("N"));
    private IControlPlaneStore? _store;

    private protected IControlPlaneStore Store => _store ?? throw new InvalidOperationException("Store not open.");

    private protected StoreOptions Options { get; private set; } = new();

    private protected string DataDirectory => _dataDirectory;

    private protected ManualTime Time { get; } = new(DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDirectory);
        Options = await CreateOptionsAsync(_dataDirectory);
        _store = await OpenAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        Directory.Delete(_dataDirectory, recursive: true);
    }

    /// <summary>Closes the store and opens it again on the same data (as a restart would).</summary>
    private protected async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        _store = null;
        _store = await OpenAsync();
    }

    private protected async Task<IControlPlaneStore> OpenAsync()
    {
        var store = StoreFactory.Create(Options, Time, NullLoggerFactory.Instance);
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    private protected abstract Task<StoreOptions> CreateOptionsAsync(string dataDirectory);

    /// <summary>The store is migrated: its gate is open, as Program opens it after the store startup.</summary>
    private protected static StoreGate OpenStoreGate()
    {
        var gate = new StoreGate();
        gate.Open();
        return gate;
    }

    /// <summary>Polls <paramref name="condition"/> (every 20 ms) until it holds; a TimeoutException naming what after <paramref name="patience"/>.</summary>
    private protected static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(what);
            }

            await Task.Delay(20);
        }
    }
}

/// <summary>Options for the two store kinds.</summary>
internal static class StoreTargets
{
    public static Task<StoreOptions> Sqlite(string dataDirectory) =>
        Task.FromResult(new StoreOptions { Kind = StoreKind.Sqlite, DataDirectory = dataDirectory });

    public static async Task<StoreOptions> Postgres(PostgresFixture postgres, string dataDirectory) =>
        new() { Kind = StoreKind.Postgres, DataDirectory = dataDirectory, ConnectionString = await postgres.CreateDatabaseAsync() };
}
