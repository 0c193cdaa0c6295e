using System.Data.Common;
using System.Text;

namespace RemoteDev.ControlPlane.Store.Sql;

/// <summary>Purges: of one sandbox on demand, and of deleted sandboxes past their retention with their purge changes.</summary>
internal sealed partial class SqlSandboxStore
{
    public async Task PurgeAsync(string id, CancellationToken cancellationToken)
    {
        var revision = await database.WriteAsync((c, t) => PurgeAsync(c, t, id, null, cancellationToken), cancellationToken);
        if (revision > 0)
        {
            Committed(revision);
        }
    }

    public async Task<IReadOnlyList<EndedSandbox>> ListEndedAsync(DateTimeOffset endedBefore, EndedSandbox? after, int limit, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("SELECT id, ended_at FROM sandboxes WHERE ended_at <= @cutoff");
        var parameters = new List<(string, object?)> { ("@cutoff", SandboxRows.ToMicros(endedBefore)), ("@n", limit) };
        if (after is not null)
        {
            sql.Append(" AND (ended_at > @at OR (ended_at = @at AND id > @id))");
            parameters.Add(("@at", SandboxRows.ToMicros(after.EndedAt)));
            parameters.Add(("@id", after.Id));
        }

        sql.Append(" ORDER BY ended_at, id LIMIT @n");
        await using var connection = await database.OpenReadAsync(cancellationToken);
        await using var command = Database.Command(connection, null, sql.ToString(), [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ended = new List<EndedSandbox>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ended.Add(new EndedSandbox(reader.GetString(0), SandboxRows.FromMicros(reader.GetInt64(1))));
        }

        return ended;
    }

    public async Task<bool> PurgeEndedAsync(string id, DateTimeOffset endedBefore, CancellationToken cancellationToken)
    {
        var revision = await database.WriteAsync((c, t) => PurgeAsync(c, t, id, SandboxRows.ToMicros(endedBefore), cancellationToken), cancellationToken);
        if (revision == 0)
        {
            return false;
        }

        Committed(revision);
        return true;
    }

    public Task<int> ForgetPurgesAsync(DateTimeOffset purgedBefore, int limit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            await using var command = Database.Command(c, t,
                "DELETE FROM sandbox_purges WHERE id IN (SELECT id FROM sandbox_purges WHERE purged_at <= @cutoff ORDER BY purged_at LIMIT @n)",
                ("@cutoff", SandboxRows.ToMicros(purgedBefore)), ("@n", limit));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Removes the sandbox and everything keyed by it and leaves a purge record, in the open transaction; only when its
    /// ended_at is at most <paramref name="endedBeforeMicros"/> if given. Returns the purge's revision, 0 when nothing was purged.
    /// </summary>
    private async Task<long> PurgeAsync(DbConnection c, DbTransaction t, string id, long? endedBeforeMicros, CancellationToken cancellationToken)
    {
        var current = await GetAsync(c, t, id, cancellationToken, lockRow: true);
        if (current is null || endedBeforeMicros is { } cutoff && (current.EndedAt is not { } ended || SandboxRows.ToMicros(ended) > cutoff))
        {
            return 0L;
        }

        var rev = await NextRevisionAsync(c, t, cancellationToken);
        await ExecAsync(c, t, "DELETE FROM output_chunks WHERE stream_id IN (SELECT stream_id FROM output_streams WHERE sandbox_id = @id)", cancellationToken, ("@id", id));
        await ExecAsync(c, t, "DELETE FROM output_streams WHERE sandbox_id = @id", cancellationToken, ("@id", id));
        await ExecAsync(c, t, "DELETE FROM agent_tokens WHERE sandbox_id = @id", cancellationToken, ("@id", id));
        await ExecAsync(c, t, "DELETE FROM sandbox_labels WHERE sandbox_id = @id", cancellationToken, ("@id", id));
        await ExecAsync(c, t, "DELETE FROM sandboxes WHERE id = @id", cancellationToken, ("@id", id));
        await ExecAsync(c, t, "INSERT INTO sandbox_purges (id, project, revision, purged_at) VALUES (@id, @project, @rev, @at)", cancellationToken,
            ("@id", id), ("@project", current.Project), ("@rev", rev), ("@at", SandboxRows.ToMicros(time.GetUtcNow())));
        return rev;
    }
}
