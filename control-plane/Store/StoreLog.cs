using Microsoft.Extensions.Logging;

namespace RemoteDev.ControlPlane.Store;

internal static partial class StoreLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Applied {Kind} schema migration {Version}")]
    public static partial void MigrationApplied(ILogger logger, StoreKind kind, int version);
}
