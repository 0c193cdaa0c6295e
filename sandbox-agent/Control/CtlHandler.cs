using System.Buffers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using RemoteDev.Agent.Commands;
using RemoteDev.Agent.Hosting;
using RemoteDev.Agent.Link;
using RemoteDev.V1;

namespace RemoteDev.Agent.Control;

/// <summary>Serves one ctl request (see <see cref="CtlProtocol"/>).</summary>
internal sealed class CtlHandler(LinkServices services, AgentLink link)
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    /// <summary>The line a connection beyond <see cref="CtlProtocol.MaxConnections"/> gets.</summary>
    public static byte[] Busy() => Line(Error(
        StatusCode.ResourceExhausted,
        $"the agent serves at most {CtlProtocol.MaxConnections} control connections at once and all are in use; try again"));

    public async Task HandleAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] line;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(CtlProtocol.RequestReadTimeout);
            try
            {
                line = await ReadLineAsync(stream, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await WriteResultAsync(stream, Error(StatusCode.DeadlineExceeded, $"request: no request line within {CtlProtocol.RequestReadTimeout.TotalSeconds:0} s"), cancellationToken);
                return;
            }
        }

        JsonDocument request;
        try
        {
            request = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            await WriteResultAsync(stream, Error(StatusCode.InvalidArgument, "request: " + e.Message), cancellationToken);
            return;
        }

        using (request)
        {
            var root = request.RootElement;
            var op = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("op", out var o) ? o.GetString() : null;
            switch (op)
            {
                case CtlProtocol.Status:
                    await WriteLineAsync(stream, JsonSerializer.SerializeToUtf8Bytes(Status(), AgentJson.Readable.CtlStatus), cancellationToken);
                    break;
                case CtlProtocol.Command:
                    await WriteResultAsync(stream, await CommandAsync(root), cancellationToken);
                    break;
                case CtlProtocol.Logs:
                    await CtlLogs.StreamAsync(services.Host, root, stream, cancellationToken);
                    break;
                default:
                    await WriteResultAsync(stream, Error(StatusCode.InvalidArgument, $"request.op: unknown operation '{op}'"), cancellationToken);
                    break;
            }
        }
    }

    private CtlStatus Status()
    {
        var lifecycle = services.Lifecycle.Current;
        var streams = services.Progress.Snapshot().Select(s => new CtlStream(s.Process, s.Epoch, s.Next, s.Acked)).ToList();
        return new CtlStatus(services.Options.SandboxId, AgentVersion.Value, lifecycle.State.ToString(), lifecycle.Reason, link.Connected, services.Host.List([]).Count, streams);
    }

    private async Task<CommandResult> CommandAsync(JsonElement root)
    {
        if (!root.TryGetProperty("command", out var json))
        {
            return Error(StatusCode.InvalidArgument, "request.command is required");
        }

        Command command;
        try
        {
            command = Parser.Parse<Command>(json.GetRawText());
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            return Error(StatusCode.InvalidArgument, "request.command: " + e.Message);
        }

        if (command.OpCase is Command.OpOneofCase.Exec or Command.OpOneofCase.Shutdown)
        {
            return Error(StatusCode.PermissionDenied, $"{command.OpCase} is not available through ctl");
        }

        return await services.Commands.ExecuteAsync(command, NoStreamedOutput.Instance);
    }

    private static CommandResult Error(StatusCode code, string message) => new() { Code = (int)code, Message = message };

    private static async Task WriteResultAsync(Stream stream, CommandResult result, CancellationToken cancellationToken) =>
        await stream.WriteAsync(Line(result), cancellationToken);

    private static byte[] Line(CommandResult result) => Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(result) + "\n");

    private static async Task WriteLineAsync(Stream stream, byte[] json, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(json, cancellationToken);
        await stream.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }

    private static async Task<byte[]> ReadLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var line = new ArrayBufferWriter<byte>();
        var buffer = new byte[4096];
        while (line.WrittenCount < CtlProtocol.MaxRequestBytes)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            var end = Array.IndexOf(buffer, (byte)'\n', 0, read);
            line.Write(buffer.AsSpan(0, end >= 0 ? end : read));
            if (read == 0 || end >= 0)
            {
                return line.WrittenSpan.ToArray();
            }
        }

        throw new IOException("ctl request longer than " + CtlProtocol.MaxRequestBytes);
    }

    private sealed class NoStreamedOutput : ICommandSink
    {
        public static readonly NoStreamedOutput Instance = new();

        public ExecCredits Credits => throw new ProcessHostException(StatusCode.Internal, "ctl commands stream no output");

        public ValueTask PostAsync(AgentMessage message, CancellationToken cancellationToken) =>
            throw new ProcessHostException(StatusCode.Internal, "ctl commands stream no output");
    }
}
