using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;

namespace RemoteDev.ControlPlane.Tests.Purge;

/// <summary>
/// A real store failure at the last statement of a sandbox's purge: a trigger makes the database refuse the purge
/// record, after the purge deleted the sandbox's output, token, labels and row in the same transaction.
/// </summary>
internal static class InjectedPurgeFailure
{
    private const string Name = "injected_purge_failure";

    public static Task AddAsync(StoreOptions options, string sandboxId) => AddWhenAsync(options, $"NEW.id = '{sandboxId}'");

    /// <summary>Fails the purge of every sandbox of <paramref name="project"/>.</summary>
    public static Task AddForProjectAsync(StoreOptions options, string project) => AddWhenAsync(options, $"NEW.project = '{project}'");

    public static Task RemoveAsync(StoreOptions options) => RawSql.ExecuteAsync(options, options.Kind switch
    {
        StoreKind.Sqlite => $"DROP TRIGGER {Name};",
        StoreKind.Postgres => $"DROP TRIGGER {Name} ON sandbox_purges; DROP FUNCTION {Name}();",
        _ => throw new InvalidOperationException($"Unknown store kind {options.Kind}."),
    });

    private static Task AddWhenAsync(StoreOptions options, string condition) => RawSql.ExecuteAsync(options, options.Kind switch
    {
        StoreKind.Sqlite => $"CREATE TRIGGER {Name} BEFORE INSERT ON sandbox_purges WHEN {condition} BEGIN SELECT RAISE(ABORT, 'injected: database or disk is full'); END;",
        StoreKind.Postgres => $"""
            CREATE FUNCTION {Name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected: could not extend file'; END $$;
            CREATE TRIGGER {Name} BEFORE INSERT ON sandbox_purges FOR EACH ROW WHEN ({condition}) EXECUTE FUNCTION {Name}();
            """,
        _ => throw new InvalidOperationException($"Unknown store kind {options.Kind}."),
    });
}
