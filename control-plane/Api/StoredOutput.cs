using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>Replays stored output of one stream as operator messages (chunks and gaps, stored offsets, no epoch).</summary>
internal sealed class StoredOutput(IOutputStore output)
{
    private const int ReadBytes = 256 * 1024;

    /// <summary>Emits [from, end) where end is the stored end when the replay reaches it; returns the offset after the last byte emitted.</summary>
    public async Task<ulong> ReplayAsync(OutputStreamKey stream, ulong from, ulong? until, Func<OutputChunk?, OutputGap?, Task> emit, CancellationToken cancellationToken)
    {
        var next = from;
        while (until is null || next < until)
        {
            var read = await output.ReadAsync(stream, next, ReadBytes, cancellationToken);
            if (read.Segments.Count == 0)
            {
                break;
            }

            foreach (var segment in read.Segments)
            {
                var end = until is { } limit ? Math.Min(segment.End, limit) : segment.End;
                if (end <= next)
                {
                    continue;
                }

                if (segment.Offset > next)
                {
                    await emit(null, new OutputGap { Process = stream.Process, Offset = next, Length = segment.Offset - next });
                    next = segment.Offset;
                }

                var skip = next - segment.Offset;
                if (segment.IsGap)
                {
                    await emit(null, new OutputGap { Process = stream.Process, Offset = next, Length = end - next });
                }
                else
                {
                    var data = segment.Data.Slice((int)skip, (int)(end - next));
                    await emit(new OutputChunk { Process = stream.Process, Kind = segment.Kind, Offset = next, Data = Google.Protobuf.UnsafeByteOperations.UnsafeWrap(data) }, null);
                }

                next = end;
            }
        }

        return next;
    }

    /// <summary>Completes once the stream's stored end has reached <paramref name="offset"/>.</summary>
    public Task WaitForEndAsync(OutputStreamKey stream, ulong offset, CancellationToken cancellationToken) =>
        offset == 0 ? Task.CompletedTask : output.WaitForEndAsync(stream, offset - 1, cancellationToken);

    /// <summary>Where to begin: an explicit offset, the last <paramref name="tailBytes"/> bytes, or the current end.</summary>
    public async Task<ulong> StartAsync(OutputStreamKey stream, ulong? offset, ulong? tailBytes, CancellationToken cancellationToken)
    {
        if (offset is { } explicitOffset)
        {
            return explicitOffset;
        }

        var end = (await output.GetStreamAsync(stream, cancellationToken))?.End ?? 0;
        return tailBytes is { } tail ? end - Math.Min(end, tail) : end;
    }
}
