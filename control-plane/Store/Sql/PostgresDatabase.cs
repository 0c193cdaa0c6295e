using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace RemoteDev.ControlPlane.Store.Sql;

/// <summary>PostgreSQL through a pooled NpgsqlDataSource; writers lock the rows they change (FOR UPDATE).</summary>
internal sealed class PostgresDatabase(NpgsqlDataSource dataSource) : Database
{
    private const int MaxAttempts = 5;

    public override StoreKind Kind => StoreKind.Postgres;

    public override IReadOnlyList<Migration> Migrations => PostgresSchema.Migrations;

    public override string CreateMigrationsTable => PostgresSchema.CreateMigrationsTable;

    public override string MigrationLock => "SELECT pg_advisory_xact_lock(7264127)";

    public override string ForUpdate => " FOR UPDATE";

    public static PostgresDatabase Open(string connectionString) => new(NpgsqlDataSource.Create(connectionString));

    public override async Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var result = await work(connection, transaction);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (PostgresException e) when (attempt < MaxAttempts && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // Every write is idempotent or re-reads its preconditions, so retrying the whole transaction is safe.
            }
        }
    }

    public override async Task InsertChunksAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ChunkRow> rows, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        await using var import = await npgsql.BeginBinaryImportAsync(
            "COPY output_chunks (stream_id, start_offset, end_offset, kind, data) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(row.StreamId, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(row.Start, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(row.End, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(row.Kind, NpgsqlDbType.Integer, cancellationToken);
            if (row.Data is null)
            {
                await import.WriteNullAsync(cancellationToken);
            }
            else
            {
                await import.WriteAsync(row.Data, NpgsqlDbType.Bytea, cancellationToken);
            }
        }

        await import.CompleteAsync(cancellationToken);
    }

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
