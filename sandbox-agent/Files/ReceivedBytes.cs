using Microsoft.Win32.SafeHandles;

namespace RemoteDev.Agent.Files;

/// <summary>Whether a chunk sent again carries the bytes a file already holds at its offset.</summary>
internal static class ReceivedBytes
{
    private const int PieceBytes = 64 * 1024;

    public static async Task<bool> MatchAsync(SafeFileHandle file, long offset, ReadOnlyMemory<byte> expected, CancellationToken cancellationToken)
    {
        var piece = new byte[Math.Min(PieceBytes, expected.Length)];
        for (var compared = 0; compared < expected.Length;)
        {
            var read = await RandomAccess.ReadAsync(file, piece.AsMemory(0, Math.Min(piece.Length, expected.Length - compared)), offset + compared, cancellationToken);
            if (read == 0 || !piece.AsSpan(0, read).SequenceEqual(expected.Span.Slice(compared, read)))
            {
                return false;
            }

            compared += read;
        }

        return true;
    }
}
