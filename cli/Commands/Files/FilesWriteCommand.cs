using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Files;

internal static class FilesWriteCommand
{
    /// <summary>Client-side bound on what is read from stdin; the server enforces its own (smaller) limit.</summary>
    private const int MaxFileBytes = 32 * 1024 * 1024;

    private static readonly Argument<string> Sandbox = new("SANDBOX") { Description = "Sandbox id" };
    private static readonly Argument<string> Path = new("PATH") { Description = "File path in the sandbox" };
    private static readonly Option<uint> Mode = new("--mode")
    {
        Description = "Unix permissions in octal (default 0644)",
        CustomParser = Parsers.OctalMode,
        DefaultValueFactory = _ => Convert.ToUInt32("644", 8),
    };

    public static Command Create()
    {
        var command = new Command("write", "Write stdin to a file in the sandbox") { Sandbox, Path, Mode };
        CliAction.Set(command, RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var content = await StdStreams.ReadStdinAsync(MaxFileBytes, "files write", cancellationToken);
        var request = new V1.WriteFileRequest { SandboxId = cli.Get(Sandbox), Path = cli.Get(Path), Content = content, Mode = cli.Get(Mode) };
        var response = await cli.Api.Files.WriteAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
        if (cli.Out.IsJson)
        {
            cli.Out.Message(response);
        }

        return ExitCodes.Ok;
    }
}
