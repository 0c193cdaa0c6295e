using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Files;

internal static class FilesReadCommand
{
    private static readonly Argument<string> Sandbox = new("SANDBOX") { Description = "Sandbox id" };
    private static readonly Argument<string> Path = new("PATH") { Description = "File path in the sandbox" };

    public static Command Create()
    {
        var command = new Command("read", "Copy a file from the sandbox to stdout, byte-exact") { Sandbox, Path };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var request = new V1.ReadFileRequest { SandboxId = cli.Get(Sandbox), Path = cli.Get(Path) };
        var response = await cli.Api.Files.ReadAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        using var std = new StdStreams();
        await std.StdoutAsync(response.Content, cancellationToken);
        return ExitCodes.Ok;
    }
}
