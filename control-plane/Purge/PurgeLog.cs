using Microsoft.Extensions.Logging;

namespace RemoteDev.ControlPlane.Purge;

internal static partial class PurgeLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Purged deleted sandbox {SandboxId} and its stored output, {Retention} after its teardown")]
    public static partial void Purged(ILogger logger, string sandboxId, TimeSpan retention);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Forgot {Count} purge changes older than the retention")]
    public static partial void PurgesForgotten(ILogger logger, int count);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Purging deleted sandboxes failed; trying again in {Interval}")]
    public static partial void PassFailed(ILogger logger, TimeSpan interval, Exception error);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Purging deleted sandbox {SandboxId} failed; trying it again in {Delay}, purging the others meanwhile")]
    public static partial void SandboxFailed(ILogger logger, string sandboxId, TimeSpan delay, Exception error);
}
