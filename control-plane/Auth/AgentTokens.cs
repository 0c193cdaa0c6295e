using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Auth;

/// <summary>Per-sandbox agent tokens: random, stored hashed, each valid for exactly one sandbox.</summary>
internal sealed class AgentTokens(IAgentTokenStore store)
{
    /// <summary>Creates the sandbox's token, or rotates it (the previous one stops working). Shown once.</summary>
    public async Task<string> IssueAsync(string sandboxId, CancellationToken cancellationToken)
    {
        var token = Secrets.NewSecret();
        await store.SetAsync(sandboxId, Secrets.Hash(token), cancellationToken);
        return token;
    }

    /// <summary>True only for the current token of <paramref name="sandboxId"/>.</summary>
    public async Task<bool> VerifyAgentTokenAsync(string sandboxId, string token, CancellationToken cancellationToken)
    {
        var hash = await store.GetHashAsync(sandboxId, cancellationToken);
        return hash is not null && token.Length > 0 && Secrets.Matches(token, hash);
    }
}
