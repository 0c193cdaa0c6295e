using Npgsql;

namespace RemoteDev.ControlPlane.Tests.Infrastructure;

/// <summary>
/// Class fixture over the process-wide <see cref="PostgresServer"/>: `await fixture.CreateDatabaseAsync()` returns
/// the connection string of a new, empty database (one per call, so tests never share state).
/// </summary>
public sealed class PostgresFixture
{
    public async Task<string> CreateDatabaseAsync()
    {
        var server = await PostgresServer.GetAsync();
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return server.ConnectionString(name);
    }
}
