using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Auth;

internal sealed record NewApiKey(string Name, Scope Scope, string Project, DateTimeOffset? ExpiresAt);

/// <summary>Token is `<id>.<secret>`, shown once.</summary>
internal sealed record CreatedApiKey(ApiKeyRecord Key, string Token);

internal enum AuthFailure
{
    None,
    Malformed,
    Invalid,
    Expired,
    Revoked,
}

/// <summary>Caller is set exactly when Failure is None.</summary>
internal sealed record AuthResult(Caller? Caller, AuthFailure Failure);

/// <summary>Creates API keys and verifies `<id>.<secret>` tokens against their stored hashes.</summary>
internal sealed class ApiKeyAuthenticator(IApiKeyStore store, TimeProvider time)
{
    public async Task<CreatedApiKey> CreateAsync(NewApiKey request, CancellationToken cancellationToken)
    {
        if (request.Scope is not (Scope.Read or Scope.Execute or Scope.Admin))
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Scope, "Scope must be READ, EXECUTE or ADMIN.");
        }

        var secret = Secrets.NewSecret();
        var now = time.GetUtcNow();
        var key = new ApiKeyRecord(Secrets.NewKeyId(), request.Name, request.Scope, request.Project, TruncateToMicros(now), request.ExpiresAt, Revoked: false);
        await store.InsertAsync(key, Secrets.Hash(secret), cancellationToken);
        return new CreatedApiKey(key, $"{key.Id}.{secret}");
    }

    public async Task<AuthResult> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == token.Length - 1)
        {
            return new AuthResult(null, AuthFailure.Malformed);
        }

        var stored = await store.GetAsync(token[..dot], cancellationToken);
        if (stored is null || !Secrets.Matches(token[(dot + 1)..], stored.SecretHash))
        {
            return new AuthResult(null, AuthFailure.Invalid);
        }

        var key = stored.Key;
        if (key.Revoked)
        {
            return new AuthResult(null, AuthFailure.Revoked);
        }

        if (key.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            return new AuthResult(null, AuthFailure.Expired);
        }

        return new AuthResult(new Caller(key.Id, key.Scope, key.Project, key.ExpiresAt), AuthFailure.None);
    }

    private static DateTimeOffset TruncateToMicros(DateTimeOffset t) => new(t.Ticks - (t.Ticks % 10), TimeSpan.Zero);
}
