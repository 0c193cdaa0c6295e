using System.Globalization;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Logs;

/// <summary>Copies a process's output chunks to stdout byte-exact and reports gaps on stderr; tracks the next offset.</summary>
internal sealed class OutputCopier(StdStreams std, ulong start)
{
    public ulong Next { get; private set; } = start;

    /// <summary>Set by the first chunk or gap: from then on <see cref="Next"/> is where a resumed read continues.</summary>
    public bool Copied { get; private set; }

    public async Task ChunkAsync(V1.OutputChunk chunk, CancellationToken cancellationToken)
    {
        await std.StdoutAsync(chunk.Data, cancellationToken);
        Next = chunk.Offset + (ulong)chunk.Data.Length;
        Copied = true;
    }

    public async Task GapAsync(V1.OutputGap gap)
    {
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"rdev: {gap.Length} bytes of output lost at offset {gap.Offset}"));
        Next = gap.Offset + gap.Length;
        Copied = true;
    }
}
