using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.Bench.ControlPlane;

/// <summary>
/// Output append throughput of the store (SQLite, PostgreSQL with fsync on) against a plain append-only file with
/// fsync per batch, for 100-byte and 64 KiB chunks appended in batches, every case in the same run.
/// </summary>
internal sealed class StoreBench : IBenchmark
{
    private const long BytesPerCase = 128L * 1024 * 1024;
    private const int BatchBytes = 256 * 1024;
    private static readonly TimeSpan MaxPerCase = TimeSpan.FromSeconds(12);

    public string Name => "store-append";

    public string Description => "output append MiB/s: SQLite and PostgreSQL store vs a file with fsync per batch";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("remotedev-store-bench-").FullName;
        await using var postgres = await PostgresServer.StartNewAsync(durable: true);
        try
        {
            Console.WriteLine($"batches of {BatchBytes / 1024} KiB, up to {BytesPerCase >> 20} MiB or {MaxPerCase.TotalSeconds:0} s per case");
            foreach (var chunk in new[] { 100, 64 * 1024 })
            {
                var file = await FileBaselineAsync(Path.Combine(root, $"baseline-{chunk}.log"), chunk, cancellationToken);
                var sqlite = await StoreCaseAsync(new StoreOptions { Kind = StoreKind.Sqlite, DataDirectory = Path.Combine(root, $"sqlite-{chunk}") }, chunk, cancellationToken);
                var pg = await StoreCaseAsync(new StoreOptions
                {
                    Kind = StoreKind.Postgres,
                    DataDirectory = Path.Combine(root, $"pg-{chunk}"),
                    ConnectionString = await CreateDatabaseAsync(postgres, cancellationToken),
                }, chunk, cancellationToken);
                Console.WriteLine($"chunk {chunk,6} B: file+fsync {file,8:0.0} MiB/s | SQLite {sqlite,8:0.0} MiB/s ({sqlite / file:0.00}x) | PostgreSQL {pg,8:0.0} MiB/s ({pg / file:0.00}x)");
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<double> StoreCaseAsync(StoreOptions options, int chunk, CancellationToken cancellationToken)
    {
        options.OutputRetentionBytes = ulong.MaxValue / 2;
        await using var store = StoreFactory.Create(options, TimeProvider.System, NullLoggerFactory.Instance);
        await store.MigrateAsync(cancellationToken);
        var stream = new OutputStreamKey("sbx-bench", "main");
        var payload = Payload(chunk);
        var perBatch = Math.Max(1, BatchBytes / chunk);
        var batch = new List<OutputWrite>(perBatch);
        ulong offset = 0;
        var watch = Stopwatch.StartNew();
        while ((long)offset < BytesPerCase && watch.Elapsed < MaxPerCase)
        {
            batch.Clear();
            for (var i = 0; i < perBatch; i++)
            {
                batch.Add(OutputWrite.Chunk(stream, "e1", offset, StreamKind.Stdout, payload));
                offset += (ulong)chunk;
            }

            await store.Output.AppendAsync(batch, cancellationToken);
        }

        return offset / (1024.0 * 1024.0) / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> FileBaselineAsync(string path, int chunk, CancellationToken cancellationToken)
    {
        var payload = Payload(chunk);
        var perBatch = Math.Max(1, BatchBytes / chunk);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
        long written = 0;
        var watch = Stopwatch.StartNew();
        while (written < BytesPerCase && watch.Elapsed < MaxPerCase)
        {
            for (var i = 0; i < perBatch; i++)
            {
                await file.WriteAsync(payload, cancellationToken);
                written += chunk;
            }

            file.Flush(flushToDisk: true);
        }

        return written / (1024.0 * 1024.0) / watch.Elapsed.TotalSeconds;
    }

    private static async Task<string> CreateDatabaseAsync(PostgresServer server, CancellationToken cancellationToken)
    {
        var name = "bench_" + Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return server.ConnectionString(name);
    }

    private static byte[] Payload(int length)
    {
        var payload = new byte[length];
        new Random(length).NextBytes(payload);
        return payload;
    }
}
