namespace RemoteDev.Supervisor;

public enum RestartPolicy
{
    Always,
    OnFailure,
    Never,
    UnlessStopped,
    OnSuccess,
}

public enum DesiredState
{
    Running,
    Stopped,
}

public enum DependencyCondition
{
    Started,
    Healthy,
    Completed,
}

/// <summary>Observed state of one process. See <c>Supervision/ProcessStateMachine.cs</c> for the transitions.</summary>
public enum ProcessState
{
    /// <summary>Waiting for dependencies.</summary>
    Pending,
    Starting,
    Running,
    Stopping,
    /// <summary>Stopped on request (or never started because its desired state is stopped).</summary>
    Stopped,
    /// <summary>Exited and the restart policy says it stays down.</summary>
    Exited,
    /// <summary>Waiting out a restart delay.</summary>
    Backoff,
    /// <summary>Paused by crash-loop detection; resumes after the pause.</summary>
    CrashLoop,
    /// <summary>Terminal: restart cap reached, permanent-failure exit code, or it could not be executed.</summary>
    Failed,
}

public enum HealthStatus
{
    /// <summary>No health check configured.</summary>
    None,
    Unknown,
    Healthy,
    Unhealthy,
}

public enum StreamKind
{
    Stdout,
    Stderr,
    /// <summary>The PTY of a terminal-mode process (stdout and stderr together).</summary>
    Pty,
}

/// <summary>What a <see cref="ProcessEvent"/> reports.</summary>
public enum ProcessEventKind
{
    /// <summary>A state transition (State differs from Previous, or a restart through the same state).</summary>
    Transition,
    /// <summary>The health status changed.</summary>
    Health,
    /// <summary>The effective environment changed; a restart is scheduled (or suppressed by reloadDelay off).</summary>
    EnvChanged,
    /// <summary>An env file could not be parsed; Reason names the file and line. The last good env stays.</summary>
    EnvFileError,
    /// <summary>Output could not be written to the log file; Reason names the file and the error. The ring still has it.</summary>
    LogFileError,
    /// <summary>Output reaches the log file again after a <see cref="LogFileError"/>; what came between is not in the files.</summary>
    LogFileRecovered,
    /// <summary>The spec was replaced by a reload.</summary>
    Reloaded,
    /// <summary>The process was removed from the supervisor.</summary>
    Removed,
}
