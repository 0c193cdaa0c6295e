using System.Data.Common;

namespace RemoteDev.ControlPlane.Store.Sql;

/// <summary>
/// One database behind the store: readers run concurrently on their own connections; writes run in a transaction
/// that is committed (durably) before <see cref="WriteAsync"/> returns.
/// </summary>
internal abstract class Database : IAsyncDisposable
{
    public abstract StoreKind Kind { get; }

    public abstract IReadOnlyList<Migration> Migrations { get; }

    public abstract string CreateMigrationsTable { get; }

    /// <summary>Serialises concurrent migrators inside their transaction ("" where writes are already serialised).</summary>
    public abstract string MigrationLock { get; }

    /// <summary>" FOR UPDATE" where the dialect locks selected rows; SQLite's single writer needs none.</summary>
    public abstract string ForUpdate { get; }

    public abstract Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken);

    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    /// <summary>Inserts output rows (stream_id, start_offset, end_offset, kind, data) in the open transaction.</summary>
    public abstract Task InsertChunksAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ChunkRow> rows, CancellationToken cancellationToken);

    public abstract bool IsUniqueViolation(Exception exception);

    public abstract ValueTask DisposeAsync();

    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }

        return command;
    }
}

internal sealed record Migration(int Version, string Sql);

/// <summary>A stored output row: Data null for a gap.</summary>
internal sealed record ChunkRow(long StreamId, long Start, long End, int Kind, byte[]? Data);
