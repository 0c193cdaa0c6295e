using System.CommandLine;

namespace RemoteDev.Cli.Commands.Files;

internal static class FilesCommand
{
    public static Command Create() => new("files", "Write and read files in a sandbox (bytes through stdin/stdout)")
    {
        FilesWriteCommand.Create(),
        FilesReadCommand.Create(),
    };
}
