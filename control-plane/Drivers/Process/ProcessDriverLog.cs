using Microsoft.Extensions.Logging;

namespace RemoteDev.ControlPlane.Drivers.Process;

internal static partial class ProcessDriverLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Started the agent of sandbox {SandboxId} as pid {Pid}")]
    public static partial void Started(ILogger logger, string sandboxId, int pid);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Adopted the running agent of sandbox {SandboxId} (pid {Pid})")]
    public static partial void Adopted(ILogger logger, string sandboxId, int pid);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "The agent of sandbox {SandboxId} (pid {Pid}) outlived its grace and was killed")]
    public static partial void Killed(ILogger logger, string sandboxId, int pid);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Reaped orphaned sandbox {SandboxId}")]
    public static partial void Reaped(ILogger logger, string sandboxId);
}
