using Grpc.Core;
using RemoteDev.ControlPlane.Gateway;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>Imperative calls through a sandbox's agent; FAILED_PRECONDITION while it is not connected.</summary>
internal sealed class AgentCalls(AgentSessions sessions)
{
    public AgentSession Require(string sandboxId)
        => sessions.Find(sandboxId)
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"sandbox {sandboxId}: its agent is not connected"));

    public bool IsConnected(string sandboxId) => sessions.Find(sandboxId) is not null;

    /// <summary>Runs the command and turns a non-OK result into the same gRPC status.</summary>
    public async Task<CommandResult> RunAsync(string sandboxId, Command command, CancellationToken cancellationToken)
        => Check(await Require(sandboxId).ExecuteAsync(command, cancellationToken));

    public static CommandResult Check(CommandResult result)
        => result.Code == 0 ? result : throw new RpcException(new Status((StatusCode)result.Code, result.Message));
}
