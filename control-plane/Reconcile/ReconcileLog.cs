using Microsoft.Extensions.Logging;

namespace RemoteDev.ControlPlane.Reconcile;

internal static partial class ReconcileLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Adopted {Count} running sandboxes")]
    public static partial void Adopted(ILogger logger, int count);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Reconciling sandbox {SandboxId} failed; retrying in {BackoffMs} ms")]
    public static partial void Retrying(ILogger logger, string sandboxId, double backoffMs, Exception error);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Sandbox {SandboxId} failed: {Reason}")]
    public static partial void Terminal(ILogger logger, string sandboxId, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Recovering sandboxes at start (adopt, reap orphans) failed; nothing is reconciled until it succeeds; retrying in {BackoffMs} ms")]
    public static partial void RecoveryFailed(ILogger logger, double backoffMs, Exception error);
}
