using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RemoteDev.ControlPlane.Gateway;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// Stop and restart wait out a stop grace, which may be longer than an agent command's default 30 s: the agent gets as
/// long as the caller waits (its deadline, less a margin for the answer to travel back). Without a deadline, or one
/// shorter than the default, the command keeps the default.
/// </summary>
internal static class StopWait
{
    private static readonly TimeSpan AnswerMargin = TimeSpan.FromSeconds(5);

    public static Duration? CommandTimeout(ServerCallContext context)
    {
        if (context.Deadline == DateTime.MaxValue)
        {
            return null;
        }

        var left = context.Deadline - DateTime.UtcNow - AnswerMargin;
        return left > AgentSession.DefaultCommandTimeout ? Duration.FromTimeSpan(left) : null;
    }
}
