namespace RemoteDev.ControlPlane.Tests.Infrastructure;

/// <summary>
/// Class fixture over the process-wide <see cref="PostgresServer"/>: `await fixture.CreateDatabaseAsync()` returns
/// the connection string of a new, empty database (one per call, so tests never share state).
/// </summary>
public sealed class PostgresFixture
{
    public async Task<string> CreateDatabaseAsync() => await (await PostgresServer.GetAsync()).CreateDatabaseAsync();
}
