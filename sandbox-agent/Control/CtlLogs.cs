using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using RemoteDev.Agent.Hosting;
using RemoteDev.V1;

namespace RemoteDev.Agent.Control;

/// <summary>`ctl logs`: a CommandResult line (NOT_FOUND for an unknown process), then the tail of a process's output, then (with follow) everything it writes until the client leaves.</summary>
internal static class CtlLogs
{
    public static async Task StreamAsync(IProcessHost host, JsonElement request, Stream stream, CancellationToken cancellationToken)
    {
        var name = request.TryGetProperty("name", out var n) ? n.GetString() : null;
        var follow = request.TryGetProperty("follow", out var f) && f.ValueKind == JsonValueKind.True;
        var tail = request.TryGetProperty("tail", out var t) && t.TryGetUInt64(out var bytes) ? bytes : CtlProtocol.DefaultTailBytes;
        var holding = host.Holdings().FirstOrDefault(h => h.Process == name);
        var header = holding.Process is null
            ? new CommandResult { Code = (int)StatusCode.NotFound, Message = $"no process named '{name}'" }
            : new CommandResult();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(header) + "\n"), cancellationToken);
        if (holding.Process is null)
        {
            return;
        }

        using var hangup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = follow ? CancelOnHangupAsync(stream, hangup) : Task.CompletedTask;
        cancellationToken = hangup.Token;
        var from = Math.Max(holding.Start, holding.End > tail ? holding.End - tail : 0);
        using var reader = host.OpenOutput(holding.Process, holding.Epoch, from);
        var buffer = new byte[Link.LinkTimings.MaxChunkBytes];
        var offset = from;
        while (follow || offset < holding.End)
        {
            var read = await reader.ReadAsync(buffer, cancellationToken);
            switch (read.Kind)
            {
                case OutputReadKind.Data:
                    var take = follow ? read.Count : (int)Math.Min((ulong)read.Count, holding.End - read.Offset);
                    await stream.WriteAsync(buffer.AsMemory(0, take), cancellationToken);
                    break;
                case OutputReadKind.Gap:
                    await stream.WriteAsync(Encoding.UTF8.GetBytes($"\n[remotedev-agent: {read.Length} bytes of output were overwritten]\n"), cancellationToken);
                    break;
                default:
                    return;
            }

            offset = read.Offset + read.Length;
        }

        await watch;
    }

    /// <summary>The client sends nothing after its request: end of stream means it left.</summary>
    private static async Task CancelOnHangupAsync(Stream stream, CancellationTokenSource hangup)
    {
        try
        {
            while (await stream.ReadAsync(new byte[1], hangup.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }

        await hangup.CancelAsync();
    }
}
