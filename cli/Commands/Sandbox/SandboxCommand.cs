using System.CommandLine;

namespace RemoteDev.Cli.Commands.Sandbox;

internal static class SandboxCommand
{
    public static Command Create() => new("sandbox", "Create, list, inspect, delete and watch sandboxes")
    {
        SandboxCreateCommand.Create(),
        SandboxListCommand.Create(),
        SandboxGetCommand.Create(),
        SandboxDeleteCommand.Create(),
        SandboxWatchCommand.Create(),
    };
}
