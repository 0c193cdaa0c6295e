using System.CommandLine;

namespace RemoteDev.Cli.Commands.Process;

internal static class ProcessCommand
{
    public static Command Create() => new("process", "Add, control, reload, remove and inspect a sandbox's processes")
    {
        ProcessAddCommand.Create(),
        ProcessStartCommand.Create(),
        ProcessStopCommand.Create(),
        ProcessRestartCommand.Create(),
        ProcessSignalCommand.Create(),
        ProcessRemoveCommand.Create(),
        ProcessReloadCommand.Create(),
        ProcessGetCommand.Create(),
    };
}
