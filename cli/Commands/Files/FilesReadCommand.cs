using System.CommandLine;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Files;

/// <summary>A file to stdout, range after range; a file that changes meanwhile fails the read (exit 6).</summary>
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
        using var std = new StdStreams();
        var first = await ReadAsync(cli, 0, cancellationToken);
        await std.StdoutAsync(first.Content, cancellationToken);
        var offset = (ulong)first.Content.Length;
        while (offset < first.Size)
        {
            var next = await ReadAsync(cli, offset, cancellationToken);
            if (next.Size != first.Size || next.Version != first.Version)
            {
                throw new CliException(ExitCodes.Conflict, $"files read: {cli.Get(Path)} changed while it was read ({first.Size} bytes, then {next.Size}): stdout may mix both; read it again");
            }

            if (next.Content.IsEmpty)
            {
                throw new CliException(ExitCodes.Failure, $"files read: the server returned no bytes at offset {offset} of {first.Size}");
            }

            await std.StdoutAsync(next.Content, cancellationToken);
            offset += (ulong)next.Content.Length;
        }

        return ExitCodes.Ok;
    }

    private static async Task<V1.ReadFileResponse> ReadAsync(CliContext cli, ulong offset, CancellationToken cancellationToken)
    {
        var request = new V1.ReadFileRequest { SandboxId = cli.Get(Sandbox), Path = cli.Get(Path), Offset = offset, MaxBytes = V1.FileChunks.MaxReadBytes };
        return await cli.Api.Files.ReadAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
    }
}
