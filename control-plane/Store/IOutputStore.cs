namespace RemoteDev.ControlPlane.Store;

/// <summary>
/// Process output: per (sandbox, process) one append-only byte stream in a stored offset space that never restarts.
/// Agents write in their own offset space of an epoch; the store keeps per stream the current epoch and its base
/// (stored offset = base + agent offset), and a write in another epoch starts that epoch at the stored end.
/// </summary>
internal interface IOutputStore
{
    /// <summary>
    /// Stores a batch (any number of streams) in one transaction and returns each touched stream's state after
    /// commit. Bytes below a stream's end are skipped (duplicates and overlaps are harmless), a jump forward is stored
    /// as a gap. Writes of one stream must be in offset order within the batch.
    /// </summary>
    Task<IReadOnlyList<OutputStreamState>> AppendAsync(IReadOnlyList<OutputWrite> writes, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="epoch"/> the stream's current epoch (creating the stream); a new epoch gets base = end.</summary>
    Task<OutputStreamState> OpenEpochAsync(OutputStreamKey stream, string epoch, CancellationToken cancellationToken);

    /// <summary>Null when nothing was ever stored for the stream.</summary>
    Task<OutputStreamState?> GetStreamAsync(OutputStreamKey stream, CancellationToken cancellationToken);

    Task<IReadOnlyList<OutputStreamState>> ListStreamsAsync(string sandboxId, CancellationToken cancellationToken);

    /// <summary>
    /// Stored output from <paramref name="fromOffset"/>, at most <paramref name="maxBytes"/> bytes (at least one
    /// segment when any exists). Output before the retained start comes back as a gap.
    /// </summary>
    Task<OutputRead> ReadAsync(OutputStreamKey stream, ulong fromOffset, int maxBytes, CancellationToken cancellationToken);

    /// <summary>Retention for one stream (creating it; 0: the store's default); pruning happens on later appends.</summary>
    Task SetRetentionAsync(OutputStreamKey stream, ulong maxBytes, CancellationToken cancellationToken);

    /// <summary>Completes once this process committed output making the stream's end exceed <paramref name="offset"/>.</summary>
    Task WaitForEndAsync(OutputStreamKey stream, ulong offset, CancellationToken cancellationToken);
}
