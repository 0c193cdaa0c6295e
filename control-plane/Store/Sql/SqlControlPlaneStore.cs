using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace RemoteDev.ControlPlane.Store.Sql;

/// <summary>The store over one SQL database (SQLite or PostgreSQL); the parts share the database and its writer.</summary>
internal sealed class SqlControlPlaneStore : IControlPlaneStore
{
    private readonly Database _database;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SqlControlPlaneStore(Database database, StoreOptions options, TimeProvider time, ILogger<SqlControlPlaneStore> logger)
    {
        _database = database;
        _time = time;
        _logger = logger;
        Sandboxes = new SqlSandboxStore(database, time);
        Output = new SqlOutputStore(database, options.OutputRetentionBytes);
        ApiKeys = new SqlApiKeyStore(database);
        AgentTokens = new SqlAgentTokenStore(database, time);
    }

    public StoreKind Kind => _database.Kind;

    public ISandboxStore Sandboxes { get; }

    public IOutputStore Output { get; }

    public IApiKeyStore ApiKeys { get; }

    public IAgentTokenStore AgentTokens { get; }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        foreach (var migration in _database.Migrations)
        {
            var applied = await _database.WriteAsync((c, t) => ApplyAsync(c, t, migration, cancellationToken), cancellationToken);
            if (applied)
            {
                StoreLog.MigrationApplied(_logger, _database.Kind, migration.Version);
            }
        }
    }

    public async Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenReadAsync(cancellationToken);
        await using var command = Database.Command(connection, null, "SELECT version FROM schema_migrations ORDER BY version");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture));
        }

        return versions;
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    private async Task<bool> ApplyAsync(DbConnection connection, DbTransaction transaction, Migration migration, CancellationToken cancellationToken)
    {
        if (_database.MigrationLock.Length > 0)
        {
            await using var lockCommand = Database.Command(connection, transaction, _database.MigrationLock);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var create = Database.Command(connection, transaction, _database.CreateMigrationsTable))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var check = Database.Command(connection, transaction, "SELECT COUNT(*) FROM schema_migrations WHERE version = @v", ("@v", migration.Version)))
        {
            if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return false;
            }
        }

        await using (var apply = Database.Command(connection, transaction, migration.Sql))
        {
            await apply.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var record = Database.Command(connection, transaction,
            "INSERT INTO schema_migrations (version, applied_at) VALUES (@v, @t)",
            ("@v", migration.Version), ("@t", _time.GetUtcNow().ToUnixTimeMilliseconds() * 1000));
        await record.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }
}
