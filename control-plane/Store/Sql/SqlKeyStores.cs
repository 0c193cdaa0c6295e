using System.Data.Common;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Store.Sql;

internal sealed class SqlApiKeyStore(Database database) : IApiKeyStore
{
    private const string Columns = "id, name, scope, project, created_at, expires_at, revoked, secret_hash";

    public async Task InsertAsync(ApiKeyRecord key, byte[] secretHash, CancellationToken cancellationToken)
    {
        try
        {
            await database.WriteAsync(async (c, t) =>
            {
                await using var insert = Database.Command(c, t,
                    $"INSERT INTO api_keys ({Columns}) VALUES (@id, @name, @scope, @project, @created, @expires, @revoked, @hash)",
                    ("@id", key.Id), ("@name", key.Name), ("@scope", (int)key.Scope), ("@project", key.Project),
                    ("@created", SandboxRows.ToMicros(key.CreatedAt)), ("@expires", key.ExpiresAt is { } e ? SandboxRows.ToMicros(e) : null),
                    ("@revoked", key.Revoked ? 1 : 0), ("@hash", secretHash));
                return await insert.ExecuteNonQueryAsync(cancellationToken);
            }, cancellationToken);
        }
        catch (Exception e) when (database.IsUniqueViolation(e))
        {
            throw new StoreException(StoreError.AlreadyExists, "id", $"API key {key.Id} already exists.");
        }
    }

    public async Task<StoredApiKey?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        return await GetAsync(connection, null, id, cancellationToken);
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        await using var command = Database.Command(connection, null, $"SELECT {Columns} FROM api_keys ORDER BY created_at, id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(Read(reader).Key);
        }

        return keys;
    }

    public Task<ApiKeyRecord> RevokeAsync(string id, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            await using (var update = Database.Command(c, t, "UPDATE api_keys SET revoked = 1 WHERE id = @id", ("@id", id)))
            {
                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            var stored = await GetAsync(c, t, id, cancellationToken)
                ?? throw new StoreException(StoreError.NotFound, "id", $"API key {id} not found.");
            return stored.Key;
        }, cancellationToken);

    public async Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        await using var command = Database.Command(connection, null, "SELECT COUNT(*) FROM api_keys");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static async Task<StoredApiKey?> GetAsync(DbConnection connection, DbTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = Database.Command(connection, transaction, $"SELECT {Columns} FROM api_keys WHERE id = @id", ("@id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static StoredApiKey Read(DbDataReader reader) => new(
        new ApiKeyRecord(
            Id: reader.GetString(0),
            Name: reader.GetString(1),
            Scope: (Scope)reader.GetInt32(2),
            Project: reader.GetString(3),
            CreatedAt: SandboxRows.FromMicros(reader.GetInt64(4)),
            ExpiresAt: reader.IsDBNull(5) ? null : SandboxRows.FromMicros(reader.GetInt64(5)),
            Revoked: reader.GetInt32(6) != 0),
        (byte[])reader.GetValue(7));
}

internal sealed class SqlAgentTokenStore(Database database, TimeProvider time) : IAgentTokenStore
{
    public Task SetAsync(string sandboxId, byte[] tokenHash, CancellationToken cancellationToken) =>
        database.WriteAsync(async (c, t) =>
        {
            await using var upsert = Database.Command(c, t,
                """
                INSERT INTO agent_tokens (sandbox_id, token_hash, issued_at) VALUES (@sb, @h, @t)
                ON CONFLICT (sandbox_id) DO UPDATE SET token_hash = excluded.token_hash, issued_at = excluded.issued_at
                """, ("@sb", sandboxId), ("@h", tokenHash), ("@t", SandboxRows.ToMicros(time.GetUtcNow())));
            return await upsert.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public async Task<byte[]?> GetHashAsync(string sandboxId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadAsync(cancellationToken);
        await using var command = Database.Command(connection, null, "SELECT token_hash FROM agent_tokens WHERE sandbox_id = @sb", ("@sb", sandboxId));
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }
}
