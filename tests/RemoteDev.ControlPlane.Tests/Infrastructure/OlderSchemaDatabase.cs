using System.Data.Common;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Store.Sql;

namespace RemoteDev.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The store's database as an older control plane knew it: only the migrations up to <paramref name="version"/>, so
/// the store's own migration runner builds that older schema.
/// </summary>
internal sealed class OlderSchemaDatabase(Database current, int version) : Database
{
    public override StoreKind Kind => current.Kind;

    public override IReadOnlyList<Migration> Migrations { get; } = [.. current.Migrations.Where(m => m.Version <= version)];

    public override string CreateMigrationsTable => current.CreateMigrationsTable;

    public override string MigrationLock => current.MigrationLock;

    public override string ForUpdate => current.ForUpdate;

    public static OlderSchemaDatabase Open(StoreOptions options, int version) => new(options.Kind switch
    {
        StoreKind.Sqlite => SqliteDatabase.Open(options.SqlitePath),
        StoreKind.Postgres => PostgresDatabase.Open(options.ConnectionString),
        _ => throw new InvalidOperationException($"Unknown store kind {options.Kind}."),
    }, version);

    public override Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken) => current.OpenReadAsync(cancellationToken);

    public override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        current.WriteAsync(work, cancellationToken);

    public override Task InsertChunksAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ChunkRow> rows, CancellationToken cancellationToken) =>
        current.InsertChunksAsync(connection, transaction, rows, cancellationToken);

    public override bool IsUniqueViolation(Exception exception) => current.IsUniqueViolation(exception);

    public override ValueTask DisposeAsync() => current.DisposeAsync();
}
