using Npgsql;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;

namespace RemoteDev.ControlPlane.Tests.Reconcile;

/// <summary>
/// A real PostgreSQL (a server of its own) down when the reconciler starts and up again later: the control plane stays
/// up, recovers once the database answers, and reconciles what it holds.
/// </summary>
public sealed class ReconcilerPostgresRestartTests : ReconcilerTestBase
{
    private const int EventRecoveryFailed = 2004;

    private PostgresServer? _server;

    private PostgresServer Server => _server ?? throw new InvalidOperationException("Server not started.");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Reconciler_started_while_postgres_is_down_recovers_once_it_is_up_and_reconciles()
    {
        var deleted = await DeletedAsync();
        await Server.ShutDownAsync();
        await StartServicesAsync(Store.Sandboxes);
        await EventuallyAsync(() => Logs.WithEventId(EventRecoveryFailed).Count >= 2, "recovery tried twice");
        var startedWhileDown = Services.Reconciler.Started.IsCompleted;

        await Server.StartAsync();
        await Services.Reconciler.Started.WaitAsync(Patience);
        var stopped = await StoppedAsync(deleted.Id);

        Assert.False(startedWhileDown);
        Assert.IsAssignableFrom<NpgsqlException>(Logs.WithEventId(EventRecoveryFailed)[0].Exception);
        Assert.Equal("deleted", stopped.Status.Reason);
    }

    private protected override async Task<StoreOptions> CreateOptionsAsync(string dataDirectory)
    {
        _server = await PostgresServer.StartNewAsync(durable: false);
        return new StoreOptions { Kind = StoreKind.Postgres, DataDirectory = dataDirectory, ConnectionString = await _server.CreateDatabaseAsync() };
    }
}
