using Microsoft.Extensions.Logging;

namespace RemoteDev.Supervisor;

/// <summary>Every log line of the supervisor. Event ids are stable; the error key is always "error".</summary>
internal static partial class SupervisorLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Process {process} {previous} -> {state}: {reason}")]
    public static partial void Transition(ILogger logger, string process, ProcessState previous, ProcessState state, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Process {process} could not be started: {error}")]
    public static partial void SpawnFailed(ILogger logger, string process, string error);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Env file could not be read, keeping the last good env: {error}")]
    public static partial void EnvFileError(ILogger logger, string error);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Env of process {process} changed; reload mode {mode}")]
    public static partial void EnvChanged(ILogger logger, string process, string mode);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Could not set oom_score_adj of pid {pid}: {error}")]
    public static partial void OomScoreFailed(ILogger logger, int pid, string error);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Information, Message = "Process {process} health {health}")]
    public static partial void HealthChanged(ILogger logger, string process, HealthStatus health);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error, Message = "Could not save the durable state file {path}: {error}")]
    public static partial void StateSaveFailed(ILogger logger, string path, string error);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Information, Message = "Restored {count} durable processes from {path}")]
    public static partial void StateRestored(ILogger logger, int count, string path);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Information, Message = "Shutdown: stopping {count} processes within {grace}")]
    public static partial void ShuttingDown(ILogger logger, int count, TimeSpan grace);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Output of process {process} is not reaching its log file: {error}")]
    public static partial void LogFileFailed(ILogger logger, string process, string error);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Output of process {process} reaches its log file again")]
    public static partial void LogFileRecovered(ILogger logger, string process);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "Stopping process group {pid} ({command}), left running by an earlier run of this supervisor")]
    public static partial void LeftoverStopped(ILogger logger, int pid, string command);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Error, Message = "Process {process} event loop failed: {error}")]
    public static partial void LoopFailed(ILogger logger, string process, string error);
}
