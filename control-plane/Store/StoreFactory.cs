using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Store.Sql;

namespace RemoteDev.ControlPlane.Store;

internal static class StoreFactory
{
    /// <summary>Opens (but does not migrate) the store the options describe.</summary>
    public static IControlPlaneStore Create(StoreOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        options.Validate();
        Database database = options.Kind switch
        {
            StoreKind.Sqlite => SqliteDatabase.Open(options.SqlitePath),
            StoreKind.Postgres => PostgresDatabase.Open(options.ConnectionString),
            _ => throw new InvalidOperationException($"Unknown store kind {options.Kind}."),
        };
        return new SqlControlPlaneStore(database, options, time, loggerFactory.CreateLogger<SqlControlPlaneStore>());
    }
}
