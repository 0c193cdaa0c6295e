using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;

namespace RemoteDev.ControlPlane.Tests.Store;

public abstract class MigrationTests : StoreTestBase
{
    [Fact]
    public async Task Migrating_an_empty_database_applies_every_migration_once()
    {
        var applied = await Store.AppliedMigrationsAsync(CancellationToken.None);

        Assert.Equal([1, 2], applied);
    }

    [Fact]
    public async Task Migrating_again_is_a_no_op_that_keeps_data()
    {
        var created = await Store.Sandboxes.CreateAsync(new NewSandbox("web", "p", new Dictionary<string, string>(), new V1.SandboxSpec()), CancellationToken.None);

        await Store.MigrateAsync(CancellationToken.None);
        await ReopenAsync();

        Assert.Equal([1, 2], await Store.AppliedMigrationsAsync(CancellationToken.None));
        Assert.NotNull(await Store.Sandboxes.GetAsync(created.Id, CancellationToken.None));
    }
}

public sealed class MigrationTests_Sqlite : MigrationTests
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Sqlite(dataDirectory);
}

public sealed class MigrationTests_Postgres(PostgresFixture postgres) : MigrationTests, IClassFixture<PostgresFixture>
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Postgres(postgres, dataDirectory);
}
