using S = RemoteDev.Supervisor;

namespace RemoteDev.Agent.Hosting;

/// <summary>An <see cref="IOutputReader"/> over a supervisor output subscription (null: the stream has ended).</summary>
internal sealed class SupervisorOutputReader(S.OutputSubscription? subscription) : IOutputReader
{
    public async ValueTask<OutputRead> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var record = subscription is null ? null : await subscription.ReadAsync(cancellationToken);
        switch (record)
        {
            case S.OutputChunk chunk:
                // A supervisor chunk is at most 64 KiB, the size of every reader's buffer.
                chunk.Data.CopyTo(buffer);
                return new OutputRead(OutputReadKind.Data, chunk.Offset, (ulong)chunk.Data.Length, StatusMapping.Stream(chunk.Kind));
            case S.OutputGap gap:
                return new OutputRead(OutputReadKind.Gap, gap.Offset, gap.Length, V1Unspecified);
            default:
                return new OutputRead(OutputReadKind.Ended, 0, 0, V1Unspecified);
        }
    }

    public void Dispose()
    {
    }

    private const RemoteDev.V1.StreamKind V1Unspecified = RemoteDev.V1.StreamKind.Unspecified;
}
