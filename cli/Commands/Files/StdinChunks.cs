using RemoteDev.Cli.Infrastructure;

namespace RemoteDev.Cli.Commands.Files;

/// <summary>
/// Stdin in full chunks of one size, each told whether it is the last: the next chunk is read before one is handed
/// out. Two buffers, whatever stdin holds; a chunk is valid until the next one is asked for.
/// </summary>
internal static class StdinChunks
{
    public static async IAsyncEnumerable<(ReadOnlyMemory<byte> Chunk, bool Last)> ReadAsync(int chunkBytes, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stdin = StdStreams.OpenStdin();
        var current = new byte[chunkBytes];
        var next = new byte[chunkBytes];
        var length = await FillAsync(stdin, current, cancellationToken);
        while (true)
        {
            var nextLength = length == chunkBytes ? await FillAsync(stdin, next, cancellationToken) : 0;
            yield return (current.AsMemory(0, length), nextLength == 0);
            if (nextLength == 0)
            {
                yield break;
            }

            (current, next, length) = (next, current, nextLength);
        }
    }

    /// <summary>Reads until the buffer is full or stdin ends.</summary>
    private static async Task<int> FillAsync(Stream stdin, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await stdin.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
        {
            filled += read;
        }

        return filled;
    }
}
