using System.CommandLine;
using Google.Protobuf;
using Grpc.Core;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Files;

/// <summary>
/// Stdin to a file: one write when it fits in one message, else an upload in chunks that appears at the path only
/// once complete. The server bounds the file's size. An upload rides out a control-plane restart: a chunk that meets
/// UNAVAILABLE is sent again as <see cref="Reconnects"/> allows, which is safe since the agent answers a chunk it
/// already has as it did the first time.
/// </summary>
internal static class FilesWriteCommand
{
    /// <summary>Under 4 MiB with its framing: a proxy on gRPC's default limits passes it too.</summary>
    private const int ChunkBytes = 3 * 1024 * 1024;

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
        var reconnects = new Reconnects();
        var uploadId = "";
        ulong offset = 0;
        V1.WriteFileResponse? response = null;
        await foreach (var (chunk, last) in StdinChunks.ReadAsync(ChunkBytes, cancellationToken))
        {
            uploadId = offset == 0 && !last ? Guid.NewGuid().ToString("N") : uploadId;
            var request = new V1.WriteFileRequest
            {
                SandboxId = cli.Get(Sandbox),
                Path = cli.Get(Path),
                Content = UnsafeByteOperations.UnsafeWrap(chunk),
                Mode = cli.Get(Mode),
                UploadId = uploadId,
                Offset = offset,
                Final = last && uploadId.Length > 0,
            };
            response = await SendAsync(cli, request, reconnects, progressed: offset > 0, cancellationToken);
            offset += (ulong)chunk.Length;
        }

        if (cli.Out.IsJson)
        {
            cli.Out.Message(response!);
        }

        return ExitCodes.Ok;
    }

    /// <summary><paramref name="progressed"/>: a chunk went through since the last UNAVAILABLE (none for the first chunk).</summary>
    private static async Task<V1.WriteFileResponse> SendAsync(CliContext cli, V1.WriteFileRequest request, Reconnects reconnects, bool progressed, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await cli.Api.Files.WriteAsync(request, deadline: cli.Api.Deadline(), cancellationToken: cancellationToken);
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable)
            {
                if (!await reconnects.WaitAsync(error, progressed, cancellationToken))
                {
                    throw;
                }

                progressed = false;
            }
        }
    }
}
