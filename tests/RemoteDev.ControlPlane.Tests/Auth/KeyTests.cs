using RemoteDev.ControlPlane.Auth;
using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Auth;

/// <summary>API keys and agent tokens through the authenticator, over both stores.</summary>
public abstract class KeyTests : StoreTestBase
{
    private static readonly CancellationToken None = CancellationToken.None;

    private ApiKeyAuthenticator Authenticator => new(Store.ApiKeys, Time);

    [Fact]
    public async Task A_created_key_authenticates_with_its_scope_and_project()
    {
        var created = await Authenticator.CreateAsync(new NewApiKey("ci", Scope.Execute, "alpha", null), None);

        var result = await Authenticator.AuthenticateAsync(created.Token, None);

        Assert.Equal(new Caller(created.Key.Id, Scope.Execute, "alpha", null), result.Caller);
    }

    [Fact]
    public async Task The_secret_is_stored_only_as_a_hash()
    {
        var created = await Authenticator.CreateAsync(new NewApiKey("ci", Scope.Read, "", null), None);
        var secret = created.Token[(created.Token.IndexOf('.', StringComparison.Ordinal) + 1)..];

        var stored = await Store.ApiKeys.GetAsync(created.Key.Id, None);

        Assert.Equal(Secrets.Hash(secret), stored!.SecretHash);
        Assert.DoesNotContain(secret, Convert.ToBase64String(stored.SecretHash), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_is_invalid()
    {
        var created = await Authenticator.CreateAsync(new NewApiKey("ci", Scope.Read, "", null), None);

        var result = await Authenticator.AuthenticateAsync(created.Key.Id + ".wrong-secret", None);

        Assert.Equal((null, AuthFailure.Invalid), (result.Caller, result.Failure));
    }

    [Fact]
    public async Task A_token_without_a_dot_is_malformed()
    {
        var result = await Authenticator.AuthenticateAsync("no-dot-here", None);

        Assert.Equal(AuthFailure.Malformed, result.Failure);
    }

    [Fact]
    public async Task An_expired_key_fails()
    {
        var created = await Authenticator.CreateAsync(new NewApiKey("ci", Scope.Read, "", Time.GetUtcNow().AddHours(1)), None);
        Time.Advance(TimeSpan.FromHours(2));

        var result = await Authenticator.AuthenticateAsync(created.Token, None);

        Assert.Equal(AuthFailure.Expired, result.Failure);
    }

    [Fact]
    public async Task A_revoked_key_fails_and_lists_as_revoked()
    {
        var created = await Authenticator.CreateAsync(new NewApiKey("ci", Scope.Admin, "", null), None);

        await Store.ApiKeys.RevokeAsync(created.Key.Id, None);

        Assert.Equal(AuthFailure.Revoked, (await Authenticator.AuthenticateAsync(created.Token, None)).Failure);
        Assert.True(Assert.Single(await Store.ApiKeys.ListAsync(None)).Revoked);
    }

    [Fact]
    public async Task Revoking_an_unknown_key_is_not_found()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Store.ApiKeys.RevokeAsync("k-missing", None));

        Assert.Equal(StoreError.NotFound, error.Error);
    }

    [Fact]
    public async Task Keys_survive_closing_and_reopening_the_store()
    {
        var created = await Authenticator.CreateAsync(new NewApiKey("ci", Scope.Read, "p", Time.GetUtcNow().AddDays(1)), None);

        await ReopenAsync();

        var stored = await Store.ApiKeys.GetAsync(created.Key.Id, None);
        Assert.Equal(created.Key, stored!.Key);
    }

    [Fact]
    public async Task An_agent_token_is_valid_only_for_its_sandbox()
    {
        var tokens = new AgentTokens(Store.AgentTokens);
        var token = await tokens.IssueAsync("sbx-a", None);
        await tokens.IssueAsync("sbx-b", None);

        Assert.True(await tokens.VerifyAgentTokenAsync("sbx-a", token, None));
        Assert.False(await tokens.VerifyAgentTokenAsync("sbx-b", token, None));
        Assert.False(await tokens.VerifyAgentTokenAsync("sbx-c", token, None));
    }

    [Fact]
    public async Task Rotating_an_agent_token_invalidates_the_previous_one()
    {
        var tokens = new AgentTokens(Store.AgentTokens);
        var old = await tokens.IssueAsync("sbx-a", None);

        var rotated = await tokens.IssueAsync("sbx-a", None);

        Assert.False(await tokens.VerifyAgentTokenAsync("sbx-a", old, None));
        Assert.True(await tokens.VerifyAgentTokenAsync("sbx-a", rotated, None));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Bootstrap_creates_one_admin_key_in_an_owner_only_file()
    {
        var bootstrap = new AdminKeyBootstrap(Store.ApiKeys, Authenticator, Microsoft.Extensions.Logging.Abstractions.NullLogger<AdminKeyBootstrap>.Instance);

        var path = await bootstrap.EnsureAsync(DataDirectory, None);
        var second = await bootstrap.EnsureAsync(DataDirectory, None);

        Assert.NotNull(path);
        Assert.Null(second);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var result = await Authenticator.AuthenticateAsync((await File.ReadAllTextAsync(path)).Trim(), None);
        Assert.Equal(Scope.Admin, result.Caller!.Scope);
    }
}

public sealed class KeyTests_Sqlite : KeyTests
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Sqlite(dataDirectory);
}

public sealed class KeyTests_Postgres(PostgresFixture postgres) : KeyTests, IClassFixture<PostgresFixture>
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Postgres(postgres, dataDirectory);
}
