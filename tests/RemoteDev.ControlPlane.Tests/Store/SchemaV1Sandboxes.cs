using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Store.Sql;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Store;

/// <summary>
/// Sandbox writes as the store of schema version 1 made them, statement for statement
/// (`git show 2b76cdc^:control-plane/Store/Sql/SqlSandboxStore.cs`): no ended_at yet. Output, keys and tokens need no
/// such copy: their store code did not change with migration 2.
/// </summary>
internal sealed class SchemaV1Sandboxes(Database database, TimeProvider time)
{
    private const string Columns = "id, name, project, labels, spec, generation, deleted, status, revision, created_revision, created_at";
    private static readonly CancellationToken None = CancellationToken.None;

    public Task<string> CreateAsync(NewSandbox sandbox)
    {
        var now = time.GetUtcNow();
        var id = "sbx-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var status = new SandboxStatus { Phase = SandboxPhase.Pending, PhaseSince = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(now) };
        return database.WriteAsync(async (c, t) =>
        {
            var revision = await NextRevisionAsync(c, t);
            await ExecAsync(c, t, $"INSERT INTO sandboxes ({Columns}) VALUES (@id, @name, @project, @labels, @spec, 1, 0, @status, @rev, @rev, @created)",
                ("@id", id), ("@name", sandbox.Name), ("@project", sandbox.Project), ("@labels", SandboxRows.LabelsJson(sandbox.Labels)),
                ("@spec", sandbox.Spec.ToByteArray()), ("@status", status.ToByteArray()), ("@rev", revision), ("@created", SandboxRows.ToMicros(now)));
            foreach (var (key, value) in sandbox.Labels)
            {
                await ExecAsync(c, t, "INSERT INTO sandbox_labels (sandbox_id, key, value) VALUES (@id, @k, @v)", ("@id", id), ("@k", key), ("@v", value));
            }

            return id;
        }, None);
    }

    public Task MarkDeletedAsync(string id) => ChangeAsync(id, "deleted = @value, generation = generation + 1", 1);

    public Task UpdateStatusAsync(string id, SandboxStatus status) => ChangeAsync(id, "status = @value", status.ToByteArray());

    private Task ChangeAsync(string id, string set, object value) => database.WriteAsync(async (c, t) =>
    {
        var revision = await NextRevisionAsync(c, t);
        await ExecAsync(c, t, $"UPDATE sandboxes SET {set}, revision = @rev WHERE id = @id", ("@rev", revision), ("@value", value), ("@id", id));
        return revision;
    }, None);

    private static async Task<long> NextRevisionAsync(DbConnection connection, DbTransaction transaction)
    {
        await ExecAsync(connection, transaction, "UPDATE store_meta SET revision = revision + 1 WHERE id = 1");
        await using var command = Database.Command(connection, transaction, "SELECT revision FROM store_meta WHERE id = 1");
        return Convert.ToInt64(await command.ExecuteScalarAsync(None), CultureInfo.InvariantCulture);
    }

    private static async Task ExecAsync(DbConnection connection, DbTransaction transaction, string sql, params (string, object?)[] parameters)
    {
        await using var command = Database.Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(None);
    }
}
