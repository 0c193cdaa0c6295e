using System.Data.Common;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Store.Sql;

internal sealed class SqlOutputStore(Database database, ulong defaultRetentionBytes) : IOutputStore
{
    private const int MaxRowsPerRead = 1024;
    private const string StreamColumns = "stream_id, epoch, epoch_base, end_offset, retained_start, retention";
    private readonly StreamSignals _signals = new();

    public async Task<IReadOnlyList<OutputStreamState>> AppendAsync(IReadOnlyList<OutputWrite> writes, CancellationToken cancellationToken)
    {
        if (writes.Count == 0)
        {
            return [];
        }

        // Streams are locked in key order so that concurrent batches cannot deadlock (PostgreSQL).
        var byStream = writes.GroupBy(w => w.Stream)
            .OrderBy(g => g.Key.SandboxId, StringComparer.Ordinal).ThenBy(g => g.Key.Process, StringComparer.Ordinal)
            .ToList();
        var states = await database.WriteAsync(async (c, t) =>
        {
            var batches = new List<OutputBatch>(byStream.Count);
            var rows = new List<ChunkRow>();
            foreach (var group in byStream)
            {
                var stream = await LockStreamAsync(c, t, group.Key, group.First().Epoch, cancellationToken);
                var batch = new OutputBatch(stream);
                foreach (var write in group)
                {
                    batch.Add(write);
                }

                batch.Complete();
                rows.AddRange(batch.Rows);
                batches.Add(batch);
            }

            if (rows.Count > 0)
            {
                await database.InsertChunksAsync(c, t, rows, cancellationToken);
            }

            foreach (var batch in batches)
            {
                await PruneAsync(c, t, batch.Stream, cancellationToken);
                await SaveAsync(c, t, batch.Stream, cancellationToken);
            }

            return batches.Select(b => b.Stream.ToState()).ToList();
        }, cancellationToken);
        foreach (var state in states)
        {
            _signals.Pulse(state.Stream);
        }

        return states;
    }

    public Task<OutputStreamState> OpenEpochAsync(OutputStreamKey stream, string epoch, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            var row = await LockStreamAsync(c, t, stream, epoch, cancellationToken);
            if (row.Epoch != epoch)
            {
                row.Epoch = epoch;
                row.EpochBase = row.End;
                await SaveAsync(c, t, row, cancellationToken);
            }

            return row.ToState();
        }, cancellationToken);

    public async Task<OutputStreamState?> GetStreamAsync(OutputStreamKey stream, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return (await FindAsync(connection, null, stream, lockRow: false, cancellationToken))?.ToState();
    }

    public async Task<IReadOnlyList<OutputStreamState>> ListStreamsAsync(string sandboxId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        await using var command = Database.Command(connection, null,
            $"SELECT {StreamColumns}, process FROM output_streams WHERE sandbox_id = @sb ORDER BY process", ("@sb", sandboxId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var streams = new List<OutputStreamState>();
        while (await reader.ReadAsync(cancellationToken))
        {
            streams.Add(ReadStream(reader, new OutputStreamKey(sandboxId, reader.GetString(6))).ToState());
        }

        return streams;
    }

    public async Task<OutputRead> ReadAsync(OutputStreamKey stream, ulong fromOffset, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        await using var connection = await database.OpenReadAsync(cancellationToken);
        var row = await FindAsync(connection, null, stream, lockRow: false, cancellationToken);
        if (row is null)
        {
            return new OutputRead([], fromOffset, null);
        }

        var from = (long)fromOffset;
        var segments = new List<OutputSegment>();
        var cursor = from;
        var bytes = 0;
        await using (var command = Database.Command(connection, null,
            """
            SELECT start_offset, end_offset, kind, data FROM output_chunks
            WHERE stream_id = @s AND start_offset >= COALESCE(
                (SELECT MAX(start_offset) FROM output_chunks WHERE stream_id = @s AND start_offset <= @from), 0)
            ORDER BY start_offset LIMIT @n
            """, ("@s", row.StreamId), ("@from", from), ("@n", MaxRowsPerRead)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (bytes < maxBytes && await reader.ReadAsync(cancellationToken))
            {
                var start = reader.GetInt64(0);
                var end = reader.GetInt64(1);
                if (end <= cursor)
                {
                    continue;
                }

                if (start > cursor)
                {
                    segments.Add(new OutputSegment((ulong)cursor, StreamKind.Unspecified, ReadOnlyMemory<byte>.Empty, (ulong)(start - cursor)));
                    cursor = start;
                }

                if (reader.IsDBNull(3))
                {
                    segments.Add(new OutputSegment((ulong)cursor, StreamKind.Unspecified, ReadOnlyMemory<byte>.Empty, (ulong)(end - cursor)));
                    cursor = end;
                    continue;
                }

                var data = (byte[])reader.GetValue(3);
                var skip = (int)(cursor - start);
                var take = Math.Min(data.Length - skip, maxBytes - bytes);
                segments.Add(new OutputSegment((ulong)cursor, (StreamKind)reader.GetInt32(2), data.AsMemory(skip, take), 0));
                cursor += take;
                bytes += take;
            }
        }

        return new OutputRead(segments, (ulong)cursor, row.ToState());
    }

    public Task SetRetentionAsync(OutputStreamKey stream, ulong maxBytes, CancellationToken cancellationToken)
    {
        return database.WriteAsync(async (c, t) =>
        {
            var row = await LockStreamAsync(c, t, stream, "", cancellationToken);
            row.Retention = checked((long)(maxBytes == 0 ? defaultRetentionBytes : maxBytes));
            await SaveAsync(c, t, row, cancellationToken);
            return row;
        }, cancellationToken);
    }

    public async Task WaitForEndAsync(OutputStreamKey stream, ulong offset, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = _signals.Register(stream);
            var state = await GetStreamAsync(stream, cancellationToken);
            if (state is not null && state.End > offset)
            {
                return;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Deletes whole rows that fell out of retention; only once the excess exceeds an eighth, to batch deletes.</summary>
    private static async Task PruneAsync(DbConnection connection, DbTransaction transaction, StreamRow stream, CancellationToken cancellationToken)
    {
        var cutoff = stream.End - stream.Retention;
        if (cutoff - stream.RetainedStart <= Math.Max(stream.Retention / 8, OutputBatch.MaxRowBytes))
        {
            return;
        }

        await using (var delete = Database.Command(connection, transaction,
            "DELETE FROM output_chunks WHERE stream_id = @s AND end_offset <= @cutoff", ("@s", stream.StreamId), ("@cutoff", cutoff)))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var first = Database.Command(connection, transaction,
            "SELECT MIN(start_offset) FROM output_chunks WHERE stream_id = @s", ("@s", stream.StreamId));
        var min = await first.ExecuteScalarAsync(cancellationToken);
        stream.RetainedStart = min is null or DBNull ? stream.End : Convert.ToInt64(min, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task SaveAsync(DbConnection connection, DbTransaction transaction, StreamRow stream, CancellationToken cancellationToken)
    {
        await using var update = Database.Command(connection, transaction,
            "UPDATE output_streams SET epoch = @e, epoch_base = @b, end_offset = @end, retained_start = @rs, retention = @ret WHERE stream_id = @s",
            ("@e", stream.Epoch), ("@b", stream.EpochBase), ("@end", stream.End), ("@rs", stream.RetainedStart), ("@ret", stream.Retention), ("@s", stream.StreamId));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The stream's row, locked for this transaction; created (epoch <paramref name="epoch"/>, base 0) when new.</summary>
    private async Task<StreamRow> LockStreamAsync(DbConnection connection, DbTransaction transaction, OutputStreamKey stream, string epoch, CancellationToken cancellationToken)
    {
        if (await FindAsync(connection, transaction, stream, lockRow: true, cancellationToken) is { } existing)
        {
            return existing;
        }

        await using (var insert = Database.Command(connection, transaction,
            """
            INSERT INTO output_streams (sandbox_id, process, epoch, epoch_base, end_offset, retained_start, retention)
            VALUES (@sb, @p, @e, 0, 0, 0, @ret) ON CONFLICT (sandbox_id, process) DO NOTHING
            """, ("@sb", stream.SandboxId), ("@p", stream.Process), ("@e", epoch), ("@ret", checked((long)defaultRetentionBytes))))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return await FindAsync(connection, transaction, stream, lockRow: true, cancellationToken)
            ?? throw new InvalidOperationException("Inserted output stream vanished.");
    }

    private async Task<StreamRow?> FindAsync(DbConnection connection, DbTransaction? transaction, OutputStreamKey stream, bool lockRow, CancellationToken cancellationToken)
    {
        await using var command = Database.Command(connection, transaction,
            $"SELECT {StreamColumns} FROM output_streams WHERE sandbox_id = @sb AND process = @p{(lockRow ? database.ForUpdate : "")}",
            ("@sb", stream.SandboxId), ("@p", stream.Process));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadStream(reader, stream) : null;
    }

    private static StreamRow ReadStream(DbDataReader reader, OutputStreamKey key) => new()
    {
        StreamId = reader.GetInt64(0),
        Key = key,
        Epoch = reader.GetString(1),
        EpochBase = reader.GetInt64(2),
        End = reader.GetInt64(3),
        RetainedStart = reader.GetInt64(4),
        Retention = reader.GetInt64(5),
    };
}
