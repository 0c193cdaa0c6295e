using Microsoft.Data.Sqlite;
using Npgsql;
using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Tests.Infrastructure;

/// <summary>SQL run on a store's database behind the store's back, as an operator (or a failing disk) would.</summary>
internal static class RawSql
{
    public static async Task ExecuteAsync(StoreOptions options, string sql)
    {
        await using System.Data.Common.DbConnection connection = options.Kind == StoreKind.Sqlite
            ? new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = options.SqlitePath, Pooling = false }.ToString())
            : new NpgsqlConnection(new NpgsqlConnectionStringBuilder(options.ConnectionString) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
