namespace RemoteDev.ControlPlane.Store;

internal enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>Where desired state, output and keys live. Bound from the "Store" configuration section.</summary>
internal sealed class StoreOptions
{
    public StoreKind Kind { get; set; } = StoreKind.Sqlite;

    /// <summary>Holds the SQLite database (kind Sqlite) and the bootstrap admin key file (every kind).</summary>
    public string DataDirectory { get; set; } =
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "remotedev");

    /// <summary>Npgsql connection string; required for kind Postgres.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Output bytes kept per process stream unless set per stream; older output is pruned.</summary>
    public ulong OutputRetentionBytes { get; set; } = 64UL * 1024 * 1024;

    public string SqlitePath => Path.Combine(DataDirectory, "remotedev.db");

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            throw new InvalidOperationException("Store:DataDirectory is required.");
        }

        if (Kind == StoreKind.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new InvalidOperationException("Store:ConnectionString is required when Store:Kind is Postgres.");
        }

        if (OutputRetentionBytes == 0)
        {
            throw new InvalidOperationException("Store:OutputRetentionBytes must be positive.");
        }
    }
}
