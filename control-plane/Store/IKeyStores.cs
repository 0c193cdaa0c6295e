using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Store;

/// <summary>API keys; secrets never reach the store, only their SHA-256 hashes (see Auth/ApiKeyAuthenticator).</summary>
internal interface IApiKeyStore
{
    /// <summary>ALREADY_EXISTS on a duplicate id.</summary>
    Task InsertAsync(ApiKeyRecord key, byte[] secretHash, CancellationToken cancellationToken);

    Task<StoredApiKey?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every key (revoked included), by creation time.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Idempotent. NOT_FOUND for an unknown id.</summary>
    Task<ApiKeyRecord> RevokeAsync(string id, CancellationToken cancellationToken);

    Task<bool> AnyAsync(CancellationToken cancellationToken);
}

/// <summary>Per-sandbox agent token hashes; one live token per sandbox (setting replaces, i.e. rotates).</summary>
internal interface IAgentTokenStore
{
    Task SetAsync(string sandboxId, byte[] tokenHash, CancellationToken cancellationToken);

    Task<byte[]?> GetHashAsync(string sandboxId, CancellationToken cancellationToken);
}

/// <summary>Project "" means every project.</summary>
internal sealed record ApiKeyRecord(string Id, string Name, Scope Scope, string Project, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, bool Revoked);

internal sealed record StoredApiKey(ApiKeyRecord Key, byte[] SecretHash);
