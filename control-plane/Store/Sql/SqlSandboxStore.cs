using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Store.Sql;

internal sealed partial class SqlSandboxStore(Database database, TimeProvider time) : ISandboxStore
{
    private const string Columns = "id, name, project, labels, spec, generation, deleted, status, revision, created_revision, created_at, ended_at";
    private readonly Signal _changed = new();
    private long _latestRevision;

    public async Task<SandboxRecord> CreateAsync(NewSandbox sandbox, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = "sbx-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var status = new SandboxStatus
        {
            Phase = SandboxPhase.Pending,
            PhaseSince = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now),
        };
        try
        {
            var record = await database.WriteAsync(async (c, t) =>
            {
                var revision = await NextRevisionAsync(c, t, cancellationToken);
                await ExecAsync(c, t, $"INSERT INTO sandboxes ({Columns}) VALUES (@id, @name, @project, @labels, @spec, 1, 0, @status, @rev, @rev, @created, NULL)", cancellationToken,
                    ("@id", id), ("@name", sandbox.Name), ("@project", sandbox.Project), ("@labels", SandboxRows.LabelsJson(sandbox.Labels)),
                    ("@spec", sandbox.Spec.ToByteArray()), ("@status", status.ToByteArray()), ("@rev", revision), ("@created", SandboxRows.ToMicros(now)));
                foreach (var (key, value) in sandbox.Labels)
                {
                    await ExecAsync(c, t, "INSERT INTO sandbox_labels (sandbox_id, key, value) VALUES (@id, @k, @v)", cancellationToken,
                        ("@id", id), ("@k", key), ("@v", value));
                }

                return await GetAsync(c, t, id, cancellationToken) ?? throw new InvalidOperationException("Inserted sandbox vanished.");
            }, cancellationToken);
            Committed(record.Revision);
            return record;
        }
        catch (Exception e) when (database.IsUniqueViolation(e))
        {
            throw new StoreException(StoreError.AlreadyExists, "name", $"A sandbox named '{sandbox.Name}' already exists in project '{sandbox.Project}'.");
        }
    }

    public async Task<SandboxRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return await GetAsync(connection, null, id, cancellationToken);
    }

    public async Task<SandboxPage> ListAsync(SandboxQuery query, CancellationToken cancellationToken)
    {
        if (query.PageSize is < 1 or > 1000)
        {
            throw new StoreException(StoreError.InvalidArgument, "page_size", "Page size must be 1 to 1000.");
        }

        var after = query.PageToken is null ? 0 : SandboxRows.ParsePageToken(query.PageToken);
        var sql = new StringBuilder($"SELECT {Columns}, seq FROM sandboxes s WHERE seq > @after");
        var parameters = new List<(string, object?)> { ("@after", after), ("@limit", query.PageSize + 1) };
        if (query.Project is not null)
        {
            sql.Append(" AND project = @project");
            parameters.Add(("@project", query.Project));
        }

        var i = 0;
        foreach (var (key, value) in query.Labels)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND EXISTS (SELECT 1 FROM sandbox_labels l WHERE l.sandbox_id = s.id AND l.key = @k{i} AND l.value = @v{i})");
            parameters.Add(($"@k{i}", key));
            parameters.Add(($"@v{i}", value));
            i++;
        }

        sql.Append(" ORDER BY seq LIMIT @limit");
        await using var connection = await database.OpenReadAsync(cancellationToken);
        await using var command = Database.Command(connection, null, sql.ToString(), [.. parameters]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<SandboxRecord>();
        var tokensAfter = new List<string>();
        while (records.Count < query.PageSize && await reader.ReadAsync(cancellationToken))
        {
            records.Add(SandboxRows.Read(reader));
            tokensAfter.Add(SandboxRows.PageToken(reader.GetInt64(12)));
        }

        var more = await reader.ReadAsync(cancellationToken);
        return new SandboxPage(records, tokensAfter, more ? tokensAfter[^1] : null);
    }

    public Task<SandboxRecord> UpdateSpecAsync(string id, SandboxSpec spec, long? expectedRevision, CancellationToken cancellationToken) =>
        ChangeAsync(id, expectedRevision, new Change("spec = @value, generation = generation + 1", spec.ToByteArray(), Deletes: false, Status: null), cancellationToken);

    public Task<SandboxRecord> MarkDeletedAsync(string id, CancellationToken cancellationToken) =>
        ChangeAsync(id, null, new Change("deleted = @value, generation = generation + 1", 1, Deletes: true, Status: null), cancellationToken);

    public Task<SandboxRecord> UpdateStatusAsync(string id, SandboxStatus status, long expectedRevision, CancellationToken cancellationToken) =>
        ChangeAsync(id, expectedRevision, new Change("status = @value", status.ToByteArray(), Deletes: false, Status: status), cancellationToken);

    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        await using var command = Database.Command(connection, null, "SELECT revision FROM store_meta WHERE id = 1");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<SandboxChange>> ListChangedSinceAsync(long afterRevision, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        var changes = new List<SandboxChange>();
        await using (var command = Database.Command(connection, null, $"SELECT {Columns} FROM sandboxes WHERE revision > @r ORDER BY revision LIMIT @n", ("@r", afterRevision), ("@n", limit)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var record = SandboxRows.Read(reader);
                changes.Add(new SandboxChange(record.Revision, record.Id, record.Project, record));
            }
        }

        await using (var command = Database.Command(connection, null, "SELECT id, project, revision FROM sandbox_purges WHERE revision > @r ORDER BY revision LIMIT @n", ("@r", afterRevision), ("@n", limit)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                changes.Add(new SandboxChange(reader.GetInt64(2), reader.GetString(0), reader.GetString(1), null));
            }
        }

        return [.. changes.OrderBy(c => c.Revision).Take(limit)];
    }

    public async Task WaitForChangeAsync(long afterRevision, CancellationToken cancellationToken)
    {
        while (true)
        {
            var next = _changed.Next;
            if (Volatile.Read(ref _latestRevision) > afterRevision || await GetRevisionAsync(cancellationToken) > afterRevision)
            {
                return;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    private async Task<SandboxRecord> ChangeAsync(string id, long? expectedRevision, Change change, CancellationToken cancellationToken)
    {
        var record = await database.WriteAsync(async (c, t) =>
        {
            var current = await GetAsync(c, t, id, cancellationToken, lockRow: true) ?? throw NotFound(id);
            if (expectedRevision is { } expected && current.Revision != expected)
            {
                throw new StoreException(StoreError.Conflict, "revision", $"Sandbox {id} changed (revision {current.Revision}, expected {expected}).");
            }

            if (change.Deletes && current.Deleted)
            {
                return current;
            }

            var revision = await NextRevisionAsync(c, t, cancellationToken);
            await ExecAsync(c, t, $"UPDATE sandboxes SET {change.Set}, revision = @rev, ended_at = @ended WHERE id = @id", cancellationToken,
                ("@rev", revision), ("@value", change.Value), ("@ended", EndedAt(current, change)), ("@id", id));
            return await GetAsync(c, t, id, cancellationToken) ?? throw NotFound(id);
        }, cancellationToken);
        Committed(record.Revision);
        return record;
    }

    private async Task<SandboxRecord?> GetAsync(DbConnection connection, DbTransaction? transaction, string id, CancellationToken cancellationToken, bool lockRow = false)
    {
        await using var command = Database.Command(connection, transaction,
            $"SELECT {Columns} FROM sandboxes WHERE id = @id{(lockRow ? database.ForUpdate : "")}", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? SandboxRows.Read(reader) : null;
    }

    /// <summary>Takes the next global revision; the row lock orders revisions as commits are ordered.</summary>
    private static async Task<long> NextRevisionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await ExecAsync(connection, transaction, "UPDATE store_meta SET revision = revision + 1 WHERE id = 1", cancellationToken);
        await using var command = Database.Command(connection, transaction, "SELECT revision FROM store_meta WHERE id = 1");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task ExecAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken, params (string, object?)[] parameters)
    {
        await using var command = Database.Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private void Committed(long revision)
    {
        long seen;
        do
        {
            seen = Volatile.Read(ref _latestRevision);
        }
        while (revision > seen && Interlocked.CompareExchange(ref _latestRevision, revision, seen) != seen);
        _changed.Pulse();
    }

    /// <summary>ended_at after the change: kept while the sandbox stays deleted and STOPPED, set when it becomes so.</summary>
    private long? EndedAt(SandboxRecord current, Change change)
    {
        var deleted = current.Deleted || change.Deletes;
        var phase = change.Status?.Phase ?? current.Status.Phase;
        if (!deleted || phase != SandboxPhase.Stopped)
        {
            return null;
        }

        return SandboxRows.ToMicros(current.EndedAt ?? time.GetUtcNow());
    }

    private static StoreException NotFound(string id) => new(StoreError.NotFound, "id", $"Sandbox {id} not found.");

    /// <summary>One change of a sandbox row: the SET clause (with @value), whether it deletes, the status it writes.</summary>
    private sealed record Change(string Set, object Value, bool Deletes, SandboxStatus? Status);
}
