namespace RemoteDev.ControlPlane.Store.Sql;

/// <summary>SQLite dialect of the schema. Keep versions in step with <see cref="PostgresSchema"/>; only add new ones.</summary>
internal static class SqliteSchema
{
    public static readonly IReadOnlyList<Migration> Migrations =
    [
        new(1, """
            CREATE TABLE store_meta (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL);
            INSERT INTO store_meta (id, revision) VALUES (1, 0);
            CREATE TABLE sandboxes (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                name TEXT NOT NULL,
                project TEXT NOT NULL,
                labels TEXT NOT NULL,
                spec BLOB NOT NULL,
                generation INTEGER NOT NULL,
                deleted INTEGER NOT NULL,
                status BLOB NOT NULL,
                revision INTEGER NOT NULL,
                created_revision INTEGER NOT NULL,
                created_at INTEGER NOT NULL);
            CREATE UNIQUE INDEX sandboxes_live_name ON sandboxes (project, name) WHERE deleted = 0;
            CREATE INDEX sandboxes_revision ON sandboxes (revision);
            CREATE TABLE sandbox_labels (
                sandbox_id TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (sandbox_id, key));
            CREATE INDEX sandbox_labels_key_value ON sandbox_labels (key, value);
            CREATE TABLE sandbox_purges (id TEXT PRIMARY KEY, project TEXT NOT NULL, revision INTEGER NOT NULL);
            CREATE INDEX sandbox_purges_revision ON sandbox_purges (revision);
            CREATE TABLE output_streams (
                stream_id INTEGER PRIMARY KEY AUTOINCREMENT,
                sandbox_id TEXT NOT NULL,
                process TEXT NOT NULL,
                epoch TEXT NOT NULL,
                epoch_base INTEGER NOT NULL,
                end_offset INTEGER NOT NULL,
                retained_start INTEGER NOT NULL,
                retention INTEGER NOT NULL,
                UNIQUE (sandbox_id, process));
            CREATE TABLE output_chunks (
                stream_id INTEGER NOT NULL,
                start_offset INTEGER NOT NULL,
                end_offset INTEGER NOT NULL,
                kind INTEGER NOT NULL,
                data BLOB,
                PRIMARY KEY (stream_id, start_offset));
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                scope INTEGER NOT NULL,
                project TEXT NOT NULL,
                secret_hash BLOB NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER,
                revoked INTEGER NOT NULL);
            CREATE TABLE agent_tokens (sandbox_id TEXT PRIMARY KEY, token_hash BLOB NOT NULL, issued_at INTEGER NOT NULL);
            """),
        // ended_at: since when a sandbox is deleted and STOPPED (its teardown finished), null otherwise; the purge of
        // deleted sandboxes goes by it. A deleted sandbox stopped before this version counts from the migration on;
        // its status starts 08 06 (field 1, the phase, is STOPPED) since protobuf writes fields in number order.
        new(2, """
            ALTER TABLE sandboxes ADD COLUMN ended_at INTEGER;
            UPDATE sandboxes SET ended_at = CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER) WHERE deleted = 1 AND substr(status, 1, 2) = X'0806';
            CREATE INDEX sandboxes_ended_at ON sandboxes (ended_at) WHERE ended_at IS NOT NULL;
            ALTER TABLE sandbox_purges ADD COLUMN purged_at INTEGER NOT NULL DEFAULT 0;
            CREATE INDEX sandbox_purges_purged_at ON sandbox_purges (purged_at);
            """),
    ];

    public const string CreateMigrationsTable =
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)";
}
