using RemoteDev.ControlPlane.Tests.Infrastructure;

namespace RemoteDev.ControlPlane.Tests.Harness;

/// <summary>One control plane process per test class, over SQLite or PostgreSQL, with an admin client.</summary>
public abstract class ControlPlaneFixture : IAsyncLifetime
{
    private ControlPlaneHost? _host;
    private OperatorClient? _admin;

    public ControlPlaneConfig Config { get; private set; } = null!;

    public ControlPlaneHost Host => _host ?? throw new InvalidOperationException("not started");

    public OperatorClient Admin => _admin ?? throw new InvalidOperationException("not started");

    public abstract string Backend { get; }

    protected abstract Task<string?> ConnectionStringAsync();

    /// <summary>Settings (environment variables) on top of the harness's, for fixtures that need their own.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "rdcp-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDir);
        Config = new ControlPlaneConfig(dataDir, await ConnectionStringAsync()) { Extra = Settings };
        _host = await ControlPlaneHost.StartAsync(Config);
        _admin = new OperatorClient(_host.GrpcAddress, _host.AdminToken);
    }

    /// <summary>kill -9 of the control plane, then a fresh start on the same data dir, store and ports.</summary>
    public async Task KillAndRestartAsync()
    {
        await KillAsync();
        await StartAgainAsync();
    }

    /// <summary>kill -9 of the control plane; its agents live on.</summary>
    public async Task KillAsync()
    {
        await Host.KillAsync();
        await Host.DisposeAsync();
    }

    /// <summary>A fresh start on the same data dir, store and ports, after <see cref="KillAsync"/>.</summary>
    public async Task StartAgainAsync() => _host = await ControlPlaneHost.StartAsync(Config);

    public OperatorClient ClientWith(string token) => new(Host.GrpcAddress, token);

    public async Task DisposeAsync()
    {
        _admin?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        ControlPlaneHost.CleanUp(Config.DataDir);
    }
}

public sealed class SqliteControlPlane : ControlPlaneFixture
{
    public override string Backend => "sqlite";

    protected override Task<string?> ConnectionStringAsync() => Task.FromResult<string?>(null);
}

public sealed class PostgresControlPlane : ControlPlaneFixture
{
    public override string Backend => "postgres";

    protected override async Task<string?> ConnectionStringAsync() => await new PostgresFixture().CreateDatabaseAsync();
}
