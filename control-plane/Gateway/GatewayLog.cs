using Microsoft.Extensions.Logging;

namespace RemoteDev.ControlPlane.Gateway;

internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Agent of sandbox {SandboxId} connected (version {AgentVersion})")]
    public static partial void Connected(ILogger logger, string sandboxId, string agentVersion);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Agent of sandbox {SandboxId} disconnected: {Reason}")]
    public static partial void Disconnected(ILogger logger, string sandboxId, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Agent link rejected: {Reason}")]
    public static partial void Rejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Agent of sandbox {SandboxId} was silent past the timeout")]
    public static partial void AgentSilent(ILogger logger, string sandboxId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Agent of sandbox {SandboxId} sent an unexpected {MessageCase} message")]
    public static partial void UnexpectedMessage(ILogger logger, string sandboxId, string messageCase);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Agent session of sandbox {SandboxId} failed: {Reason}")]
    public static partial void SessionFailed(ILogger logger, string sandboxId, string reason, Exception error);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Agent of sandbox {SandboxId} was not told to cancel command {CommandId}: its outbox stayed full")]
    public static partial void CancelNotSent(ILogger logger, string sandboxId, string commandId);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "Agent of sandbox {SandboxId} sent exec {CommandId} more output than its window of {Window} bytes; the exec failed")]
    public static partial void ExecWindowOverrun(ILogger logger, string sandboxId, string commandId, int window);
}
