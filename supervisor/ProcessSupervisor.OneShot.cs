using RemoteDev.Supervisor.Supervision;

namespace RemoteDev.Supervisor;

/// <summary>One-shot commands: started and reaped by the supervisor, never supervised.</summary>
public sealed partial class ProcessSupervisor
{
    /// <summary>At shutdown, how long the SIGKILLed one-shot commands still running get to be reaped.</summary>
    private static readonly TimeSpan OneShotReapBound = TimeSpan.FromSeconds(2);

    private readonly OneShotSet _oneShots = new();

    /// <summary>
    /// Starts <paramref name="command"/> in its own session and process group, stdin, stdout and stderr on pipes, the
    /// way supervised processes start, and returns at once. Its <see cref="OneShotProcess.Exited"/> tells an exit
    /// code from a signal. Nothing restarts it, nothing stops it but the caller, except shutdown, which SIGKILLs the
    /// group of one still running. Throws <see cref="CommandStartException"/> when it cannot be executed,
    /// <see cref="ProcessOperationException"/> once the supervisor is shutting down.
    /// </summary>
    public OneShotProcess StartOneShot(OneShotCommand command) => _oneShots.Start(() => OneShotLauncher.Start(_io, command));
}
