using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Supervision;

/// <summary>Everything that can happen to one process: operations (with a reply) and notifications.</summary>
internal abstract record ProcessInput;

internal abstract record Command : ProcessInput
{
    public TaskCompletionSource<ProcessStatus> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

internal sealed record StartCommand : Command;

internal sealed record StopCommand(TimeSpan? Grace) : Command;

internal sealed record RestartCommand(bool Force) : Command;

internal sealed record ReloadCommand(ProcessSpec Spec, bool RestartNow) : Command;

internal sealed record SignalCommand(int Signal) : Command;

/// <summary>Stop for good: the supervisor removes the process or shuts down.</summary>
internal sealed record RetireCommand(TimeSpan Grace) : Command;

/// <summary>The child of run <paramref name="Run"/> ended (posted by the I/O thread).</summary>
internal sealed record ChildExited(int Run, ExitStatus Status) : ProcessInput;

internal enum TimerKind
{
    Restart,
    Kill,
    EnvReload,
}

internal sealed record TimerFired(TimerKind Kind, int Generation) : ProcessInput;

internal sealed record EnvFilesChanged : ProcessInput;

internal sealed record EnvFileFailed(string Error) : ProcessInput;

/// <summary>Output stopped reaching the log file (posted by the I/O thread, once until it recovers).</summary>
internal sealed record LogFileFailed(string Error) : ProcessInput;

internal sealed record LogFileRecovered : ProcessInput;

internal sealed record DependenciesReady(int Generation) : ProcessInput;

internal sealed record DependenciesFailed(int Generation, string Reason) : ProcessInput;

/// <summary>A health result; <paramref name="Failure"/> is why the last check failed (null when healthy).</summary>
internal sealed record HealthObserved(int Run, HealthStatus Health, string? Failure) : ProcessInput;
