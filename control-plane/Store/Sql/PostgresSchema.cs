namespace RemoteDev.ControlPlane.Store.Sql;

/// <summary>PostgreSQL dialect of the schema. Keep versions in step with <see cref="SqliteSchema"/>; only add new ones.</summary>
internal static class PostgresSchema
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, """
            CREATE TABLE store_meta (id INTEGER PRIMARY KEY CHECK (id = 1), revision BIGINT NOT NULL);
            INSERT INTO store_meta (id, revision) VALUES (1, 0);
            CREATE TABLE sandboxes (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                project TEXT NOT NULL,
                labels TEXT NOT NULL,
                spec BYTEA NOT NULL,
                generation BIGINT NOT NULL,
                deleted INTEGER NOT NULL,
                status BYTEA NOT NULL,
                revision BIGINT NOT NULL,
                created_revision BIGINT NOT NULL,
                created_at BIGINT NOT NULL);
            CREATE UNIQUE INDEX sandboxes_live_name ON sandboxes (project, name) WHERE deleted = 0;
            CREATE INDEX sandboxes_revision ON sandboxes (revision);
            CREATE TABLE sandbox_labels (
                sandbox_id TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (sandbox_id, key));
            CREATE INDEX sandbox_labels_key_value ON sandbox_labels (key, value);
            CREATE TABLE sandbox_purges (id TEXT PRIMARY KEY, project TEXT NOT NULL, revision BIGINT NOT NULL);
            CREATE INDEX sandbox_purges_revision ON sandbox_purges (revision);
            CREATE TABLE output_streams (
                stream_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                sandbox_id TEXT NOT NULL,
                process TEXT NOT NULL,
                epoch TEXT NOT NULL,
                epoch_base BIGINT NOT NULL,
                end_offset BIGINT NOT NULL,
                retained_start BIGINT NOT NULL,
                retention BIGINT NOT NULL,
                UNIQUE (sandbox_id, process));
            CREATE TABLE output_chunks (
                stream_id BIGINT NOT NULL,
                start_offset BIGINT NOT NULL,
                end_offset BIGINT NOT NULL,
                kind INTEGER NOT NULL,
                data BYTEA,
                PRIMARY KEY (stream_id, start_offset));
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                scope INTEGER NOT NULL,
                project TEXT NOT NULL,
                secret_hash BYTEA NOT NULL,
                created_at BIGINT NOT NULL,
                expires_at BIGINT,
                revoked INTEGER NOT NULL);
            CREATE TABLE agent_tokens (sandbox_id TEXT PRIMARY KEY, token_hash BYTEA NOT NULL, issued_at BIGINT NOT NULL);
            """),
        // ended_at: since when a sandbox is deleted and STOPPED (its teardown finished), null otherwise; the purge of
        // deleted sandboxes goes by it. A deleted sandbox stopped before this version counts from the migration on;
        // its status starts 08 06 (field 1, the phase, is STOPPED) since protobuf writes fields in number order.
        new(2, """
            ALTER TABLE sandboxes ADD COLUMN ended_at BIGINT;
            UPDATE sandboxes SET ended_at = (EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT WHERE deleted = 1 AND substring(status from 1 for 2) = decode('0806', 'hex');
            CREATE INDEX sandboxes_ended_at ON sandboxes (ended_at) WHERE ended_at IS NOT NULL;
            ALTER TABLE sandbox_purges ADD COLUMN purged_at BIGINT NOT NULL DEFAULT 0;
            CREATE INDEX sandbox_purges_purged_at ON sandbox_purges (purged_at);
            """),
    ];

    public const string CreateMigrationsTable =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)";
}
