using Grpc.Core;

namespace RemoteDev.ControlPlane.Gateway;

/// <summary>
/// The session closed (its agent reconnected, or the link dropped) before the command was handed to it: the agent
/// never saw it, so sending it through the next session is safe. UNAVAILABLE for callers that do not retry.
/// </summary>
internal sealed class CommandNotSentException(string sandboxId)
    : RpcException(new Status(StatusCode.Unavailable, $"sandbox {sandboxId}: the agent link closed before the command was sent"));
