using Grpc.Core;
using RemoteDev.ControlPlane.Auth;

namespace RemoteDev.ControlPlane.Gateway;

/// <summary>
/// The credential an agent presents: "&lt;sandbox id&gt;.&lt;token&gt;". Naming the sandbox lets the gateway tell a
/// wrong token (UNAUTHENTICATED) from a valid token of another sandbox (PERMISSION_DENIED).
/// </summary>
internal sealed class AgentCredential(AgentTokens tokens)
{
    public async Task<string> IssueAsync(string sandboxId, CancellationToken cancellationToken)
        => sandboxId + "." + await tokens.IssueAsync(sandboxId, cancellationToken);

    /// <summary>Returns when <paramref name="credential"/> may act for <paramref name="sandboxId"/>; throws the status otherwise.</summary>
    public async Task VerifyAsync(string sandboxId, string credential, CancellationToken cancellationToken)
    {
        var dot = credential.LastIndexOf('.');
        if (credential.Length == 0 || dot <= 0)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "missing or malformed agent token (the agent's REMOTEDEV_AGENT_TOKEN)"));
        }

        var owner = credential[..dot];
        var valid = await tokens.VerifyAgentTokenAsync(owner, credential[(dot + 1)..], cancellationToken);
        if (!valid)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "invalid agent token: not the one issued for this sandbox (the agent's REMOTEDEV_AGENT_TOKEN and REMOTEDEV_SANDBOX_ID)"));
        }

        if (!string.Equals(owner, sandboxId, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"the agent token is bound to another sandbox, not {sandboxId}"));
        }
    }
}
