using System.Runtime.InteropServices;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>
/// SIGINT, SIGTERM and SIGHUP stop the running command through its token instead of killing rdev, so what it set up
/// is undone on the way out (above all a terminal in raw mode) and rdev exits 128+N, as if the signal had ended it.
/// A second signal, when the first has not ended rdev, kills it the default way.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private static readonly PosixSignal[] Handled = [PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP];

    private readonly PosixSignalRegistration[] _registrations;

    private TerminationSignals(Interruption interruption) =>
        _registrations = [.. Handled.Select(signal => PosixSignalRegistration.Create(signal, context => OnSignal(context, interruption)))];

    public static TerminationSignals Register(Interruption interruption) => new(interruption);

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private static void OnSignal(PosixSignalContext context, Interruption interruption)
    {
        context.Cancel = interruption.ExitCode is null;
        interruption.Stop(Signals.ExitCode(context.Signal.ToString()));
    }
}
