using Microsoft.Extensions.Logging;

namespace RemoteDev.Agent;

internal static partial class AgentLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "remotedev-agent {Version} starting for sandbox {SandboxId}")]
    public static partial void Starting(ILogger logger, string version, string sandboxId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "oom_score_adj set to {Value}; supervised processes get {Child}")]
    public static partial void OomProtected(ILogger logger, int value, int child);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Could not lower oom_score_adj (needs CAP_SYS_RESOURCE): {Reason}; children still get {Child}, above the agent")]
    public static partial void OomNotProtected(ILogger logger, string reason, int child);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "The initial processes could not be started ({Code}): {Reason}")]
    public static partial void InitialProcessesFailed(ILogger logger, string code, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "The initial process file is invalid: {Reason}")]
    public static partial void ProcessFileInvalid(ILogger logger, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Shutting down ({Reason}) with a grace period of {GraceMs} ms")]
    public static partial void ShuttingDown(ILogger logger, string reason, double graceMs);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Stopped; exiting 0")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Sandbox resources from cgroup {Version}")]
    public static partial void Cgroup(ILogger logger, string version);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "A background loop of the agent failed")]
    public static partial void LoopFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 10, Level = LogLevel.Critical, Message = "Cannot start: {Reason}; exiting 1")]
    public static partial void CannotStart(ILogger logger, string reason);
}
