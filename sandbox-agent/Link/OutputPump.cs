using Google.Protobuf;
using RemoteDev.Agent.Hosting;
using RemoteDev.V1;

namespace RemoteDev.Agent.Link;

/// <summary>
/// Pulls one process's output from the supervisor's ring by offset into the session's outbox: each read takes all
/// contiguous bytes available up to <see cref="LinkTimings.MaxChunkBytes"/>, so small writes are batched.
/// </summary>
internal static class OutputPump
{
    /// <summary>Pumps until the process is removed and its output drained; returns the offset it ended at.</summary>
    public static async Task<ulong> RunAsync(IOutputReader reader, ulong from, OutputHolding stream, Outbox outbox, StreamProgress progress, CancellationToken cancellationToken)
    {
        using var _ = reader;
        var next = from;
        var buffer = new byte[LinkTimings.MaxChunkBytes];
        while (true)
        {
            var read = await reader.ReadAsync(buffer, cancellationToken);
            AgentMessage message;
            switch (read.Kind)
            {
                case OutputReadKind.Data:
                    message = new AgentMessage
                    {
                        Output = new OutputChunk
                        {
                            Process = stream.Process,
                            Epoch = stream.Epoch,
                            Kind = read.Stream,
                            Offset = read.Offset,
                            Data = ByteString.CopyFrom(buffer, 0, read.Count),
                        },
                    };
                    break;
                case OutputReadKind.Gap:
                    message = new AgentMessage
                    {
                        Gap = new OutputGap { Process = stream.Process, Epoch = stream.Epoch, Offset = read.Offset, Length = read.Length },
                    };
                    break;
                default:
                    progress.Forget(stream.Process, stream.Epoch);
                    return next;
            }

            await outbox.PostOutputAsync(message, cancellationToken);
            next = read.Offset + read.Length;
            progress.Sent(stream.Process, stream.Epoch, next);
        }
    }
}
