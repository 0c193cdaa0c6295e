using Grpc.Core;
using RemoteDev.ControlPlane.Gateway;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// Imperative calls through a sandbox's agent. A call that finds no session waits briefly for the agent to (re)connect,
/// since dial-out agents reconnect as a matter of course; FAILED_PRECONDITION if it does not.
/// </summary>
internal sealed class AgentCalls(AgentSessions sessions)
{
    private static readonly TimeSpan ReconnectWait = TimeSpan.FromSeconds(5);

    public async Task<AgentSession> RequireAsync(string sandboxId, CancellationToken cancellationToken)
        => await sessions.WaitAsync(sandboxId, ReconnectWait, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"sandbox {sandboxId}: its agent is not connected"));

    public bool IsConnected(string sandboxId) => sessions.Find(sandboxId) is not null;

    /// <summary>Runs the command and turns a non-OK result into the same gRPC status.</summary>
    public async Task<CommandResult> RunAsync(string sandboxId, Command command, CancellationToken cancellationToken)
    {
        var pending = await StartAsync(sandboxId, command, streamsOutput: false, cancellationToken);
        return Check(await pending.Result.Task);
    }

    /// <summary>
    /// Hands the command to the sandbox's session. One that closes before the command went out (a reconnect) passes it
    /// to its replacement: the agent never saw it.
    /// </summary>
    public async Task<PendingCommands.Pending> StartAsync(string sandboxId, Command command, bool streamsOutput, CancellationToken cancellationToken)
    {
        var session = await RequireAsync(sandboxId, cancellationToken);
        try
        {
            return await session.StartCommandAsync(command, streamsOutput, cancellationToken);
        }
        catch (CommandNotSentException)
        {
            var next = await sessions.WaitForReplacementAsync(session, ReconnectWait, cancellationToken)
                ?? throw new RpcException(new Status(StatusCode.Unavailable, $"sandbox {sandboxId}: the agent link closed and did not come back"));
            return await next.StartCommandAsync(command, streamsOutput, cancellationToken);
        }
    }

    public static CommandResult Check(CommandResult result)
        => result.Code == 0 ? result : throw new RpcException(new Status((StatusCode)result.Code, result.Message));
}
