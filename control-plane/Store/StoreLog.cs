using Microsoft.Extensions.Logging;

namespace RemoteDev.ControlPlane.Store;

internal static partial class StoreLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applied {Kind} schema migration {Version}")]
    public static partial void MigrationApplied(ILogger logger, StoreKind kind, int version);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "The store is not reachable yet ({Error}); retrying in {DelayMs} ms")]
    public static partial void NotReachable(ILogger logger, double delayMs, string error);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Critical, Message = "The store cannot be used; the control plane stops")]
    public static partial void Unusable(ILogger logger, Exception error);
}
