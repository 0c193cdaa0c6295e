using Microsoft.Extensions.Logging;

namespace RemoteDev.Agent.Commands;

internal static partial class CommandLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "Command {Id} ({Op}) failed with {Code}: {Reason}")]
    public static partial void Failed(ILogger logger, string id, string op, string code, string reason);

    [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "Command {Id} ({Op}) crashed")]
    public static partial void Crashed(ILogger logger, string id, string op, Exception error);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "The result of command {Id} was dropped: its link session ended")]
    public static partial void ResultDropped(ILogger logger, string id);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "Command {Id} ({Op}) did not stop at its {Seconds} s deadline; answered DEADLINE_EXCEEDED and abandoned it")]
    public static partial void Abandoned(ILogger logger, string id, string op, double seconds);

    [LoggerMessage(EventId = 205, Level = LogLevel.Information, Message = "Abandoned command {Id} ended; its result was dropped")]
    public static partial void AbandonedEnded(ILogger logger, string id);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Exec {Id} timed out; killed its process group {Pgid}")]
    public static partial void ExecTimedOut(ILogger logger, string id, int pgid);

    [LoggerMessage(EventId = 206, Level = LogLevel.Information, Message = "Command {Id} cancelled by the control plane")]
    public static partial void Cancelled(ILogger logger, string id);
}
