using Microsoft.Extensions.Logging;

namespace RemoteDev.Agent.Link;

internal static partial class LinkLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Connecting to the control plane at {Url}")]
    public static partial void Connecting(ILogger logger, string url);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Link up: heartbeat every {HeartbeatMs} ms, usage every {UsageMs} ms")]
    public static partial void Accepted(ILogger logger, double heartbeatMs, double usageMs);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "The control plane rejected the agent ({Code}): {Detail}; trying again at the capped backoff, processes keep running")]
    public static partial void Rejected(ILogger logger, string code, string detail);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Link down ({Code}): {Detail}")]
    public static partial void SessionFailed(ILogger logger, string code, string detail);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Link down")]
    public static partial void SessionError(ILogger logger, Exception error);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Link down: {Reason}")]
    public static partial void ProtocolFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Reconnecting in {DelayMs:F0} ms")]
    public static partial void Reconnecting(ILogger logger, double delayMs);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "Ignoring an unexpected control message: {Kind}")]
    public static partial void UnexpectedMessage(ILogger logger, string kind);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "Output of {Process} stopped streaming")]
    public static partial void PumpFailed(ILogger logger, string process, Exception error);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "Lifecycle {State}: {Reason}")]
    public static partial void Lifecycle(ILogger logger, string state, string reason);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "Lifecycle {State} could not be sent; the next hello carries it")]
    public static partial void ReportNotSent(ILogger logger, string state);
}
