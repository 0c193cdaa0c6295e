using System.CommandLine;
using Google.Protobuf;
using Grpc.Core;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Logs;

/// <summary>rdev logs SANDBOX PROCESS: stored output, byte-exact; --follow ends after the process ended and every byte came.</summary>
internal static class LogsCommand
{
    private static readonly Argument<string> Sandbox = new("SANDBOX") { Description = "Sandbox id" };
    private static readonly Argument<string> Process = new("PROCESS") { Description = "Process name" };
    private static readonly Option<bool> Follow = new("--follow", "-f") { Description = "Keep streaming until the process ends" };
    private static readonly Option<ulong?> Tail = new("--tail") { Description = "Start this many bytes before the end" };
    private static readonly Option<ulong?> Offset = new("--offset") { Description = "Start at this output offset (default 0)" };

    public static Command Create()
    {
        var command = new Command("logs", "Print a process's stored output") { Sandbox, Process, Follow, Tail, Offset };
        command.Validators.Add(result =>
        {
            if (result.GetResult(Tail) is not null && result.GetResult(Offset) is not null)
            {
                result.AddError("--tail and --offset: give at most one");
            }
        });
        CliAction.SetStreaming(command, RunAsync);
        return command;
    }

    public static V1.LogsRequest Request(string sandbox, string process, ulong? tail, ulong? offset, bool follow)
    {
        var request = new V1.LogsRequest { SandboxId = sandbox, Process = process, Follow = follow };
        if (tail is { } t)
        {
            request.TailBytes = t;
        }
        else if (offset is { } o)
        {
            request.Offset = o;
        }

        return request;
    }

    /// <summary>
    /// Streams a Logs call to stdout; also drains an attach after its run ended. With <paramref name="until"/> (where a
    /// run's output ends) it stops there, cutting the last chunk, and ends the call: a follow would go on into the next
    /// run. Without, it goes on until the server ends the stream.
    /// </summary>
    public static async Task CopyAsync(V1.Processes.ProcessesClient client, V1.LogsRequest request, OutputCopier copier, ulong? until, CancellationToken cancellationToken)
    {
        var end = until ?? ulong.MaxValue;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = client.Logs(request, cancellationToken: stop.Token);
        await foreach (var response in call.ResponseStream.ReadAllAsync(stop.Token))
        {
            if (response.MsgCase == V1.LogsResponse.MsgOneofCase.Output)
            {
                var chunk = response.Output;
                var keep = (int)Math.Min((ulong)chunk.Data.Length, end - Math.Min(end, chunk.Offset));
                if (keep < chunk.Data.Length)
                {
                    chunk = new V1.OutputChunk { Process = chunk.Process, Kind = chunk.Kind, Offset = chunk.Offset, Data = UnsafeByteOperations.UnsafeWrap(chunk.Data.Memory[..keep]) };
                }

                await copier.ChunkAsync(chunk, cancellationToken);
            }
            else
            {
                await copier.GapAsync(response.Gap);
            }

            if (copier.Next >= end)
            {
                await stop.CancelAsync();
                return;
            }
        }
    }

    /// <summary>
    /// A control-plane restart does not end it: the call is opened again from the offset reached, so what is printed
    /// stays byte-exact, nothing twice. When the control plane stays away, the error names the offset to resume from.
    /// </summary>
    private static async Task<int> RunAsync(CliContext cli, CancellationToken cancellationToken)
    {
        var (sandbox, process, follow) = (cli.Get(Sandbox), cli.Get(Process), cli.Get(Follow));
        var request = Request(sandbox, process, cli.Parse.GetValue(Tail), cli.Parse.GetValue(Offset), follow);
        using var std = new StdStreams();
        var copier = new OutputCopier(std, start: 0);
        var reconnects = new Reconnects();
        var reached = copier.Next;
        while (true)
        {
            try
            {
                await CopyAsync(cli.Api.Processes, request, copier, until: null, cancellationToken);
                return ExitCodes.Ok;
            }
            catch (RpcException error) when (error.StatusCode == StatusCode.Unavailable)
            {
                var progressed = copier.Next != reached;
                reached = copier.Next;
                if (!await reconnects.WaitAsync(error, progressed, cancellationToken))
                {
                    var resume = copier.Copied ? $"; resume with: rdev logs {sandbox} {process}{(follow ? " --follow" : "")} --offset {copier.Next}" : "";
                    throw new CliException(ExitCodes.Unavailable, $"UNAVAILABLE: {error.Status.Detail}{resume}");
                }

                if (copier.Copied)
                {
                    request = Request(sandbox, process, tail: null, offset: copier.Next, follow);
                }
            }
        }
    }
}
