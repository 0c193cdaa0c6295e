using RemoteDev.V1;

namespace RemoteDev.Agent.Hosting;

internal enum OutputReadKind
{
    /// <summary><see cref="OutputRead.Count"/> bytes at <see cref="OutputRead.Offset"/> were copied into the buffer.</summary>
    Data,

    /// <summary>[Offset, Offset + Length) was overwritten before it was read.</summary>
    Gap,

    /// <summary>The process was removed and everything it wrote has been read.</summary>
    Ended,
}

internal readonly record struct OutputRead(OutputReadKind Kind, ulong Offset, ulong Length, StreamKind Stream)
{
    public int Count => (int)Length;
}

/// <summary>
/// A cursor over one process's output. A read returns at once with whatever contiguous bytes of one stream kind
/// are available (up to the buffer size) and waits only when nothing is.
/// </summary>
internal interface IOutputReader : IDisposable
{
    ValueTask<OutputRead> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken);
}
