using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor;

/// <summary>How a one-shot command ended: exactly one of its exit code and the signal that killed it is set.</summary>
public sealed record OneShotExit
{
    private OneShotExit(int? exitCode, string? signal)
    {
        ExitCode = exitCode;
        Signal = signal;
    }

    /// <summary>The code it exited with; null when a signal killed it.</summary>
    public int? ExitCode { get; }

    /// <summary>The name of the signal that killed it (e.g. "SIGKILL"); null when it exited.</summary>
    public string? Signal { get; }

    internal static OneShotExit From(int pid, ExitStatus status) => status switch
    {
        { Code: { } code } => new OneShotExit(code, null),
        { Signal: { } signal } => new OneShotExit(null, Signals.Name(signal)),
        _ => throw new InvalidOperationException($"pid {pid} was reaped elsewhere: how it ended is unknown"),
    };
}
