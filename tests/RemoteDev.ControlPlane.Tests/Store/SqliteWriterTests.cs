using System.Data.Common;
using RemoteDev.ControlPlane.Store.Sql;

namespace RemoteDev.ControlPlane.Tests.Store;

/// <summary>
/// SQLite's writes run one at a time on their own thread: a write cancelled while it waits never happens, a write
/// that started commits whole or not at all, and the caller learns which.
/// </summary>
public sealed class SqliteWriterTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "remotedev-sqlite-writer-" + Guid.NewGuid().ToString("N"), "db.sqlite");
    private SqliteDatabase? _database;

    private SqliteDatabase Database => _database!;

    public async Task InitializeAsync()
    {
        _database = SqliteDatabase.Open(_path);
        await Database.WriteAsync((c, t) => Execute(c, t, "CREATE TABLE rows (v INTEGER NOT NULL)"), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
    }

    [Fact]
    public async Task A_write_cancelled_while_it_waits_for_the_writer_never_happens()
    {
        var release = new TaskCompletionSource();
        var running = new TaskCompletionSource();
        var first = Database.WriteAsync(async (c, t) =>
        {
            running.SetResult();
            await release.Task;
            return await Execute(c, t, "INSERT INTO rows VALUES (1)");
        }, CancellationToken.None);
        await running.Task;

        using var cancel = new CancellationTokenSource();
        var second = Database.WriteAsync((c, t) => Execute(c, t, "INSERT INTO rows VALUES (2)"), cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);

        release.SetResult();
        Assert.Equal(1, await first);
        Assert.Equal([1L], await ValuesAsync());
    }

    [Fact]
    public async Task A_write_that_throws_is_rolled_back_and_the_next_write_goes_through()
    {
        var failing = Database.WriteAsync<int>(async (c, t) =>
        {
            await Execute(c, t, "INSERT INTO rows VALUES (1)");
            throw new InvalidOperationException("work failed");
        }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal("work failed", error.Message);
        await Database.WriteAsync((c, t) => Execute(c, t, "INSERT INTO rows VALUES (2)"), CancellationToken.None);
        Assert.Equal([2L], await ValuesAsync());
    }

    [Fact]
    public async Task Concurrent_writers_are_serialised_and_all_commit()
    {
        var writes = Enumerable.Range(0, 200)
            .Select(i => Task.Run(() => Database.WriteAsync((c, t) => Execute(c, t, $"INSERT INTO rows VALUES ({i})"), CancellationToken.None)))
            .ToList();
        await Task.WhenAll(writes);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), await ValuesAsync());
    }

    private static async Task<int> Execute(DbConnection connection, DbTransaction transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<List<long>> ValuesAsync()
    {
        await using var connection = await Database.OpenReadAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT v FROM rows ORDER BY v";
        var values = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetInt64(0));
        }

        return values;
    }
}
