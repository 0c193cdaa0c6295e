using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Store;

/// <summary>
/// Desired (spec, generation, deleted) and observed (status) sandbox state. Every change takes the next value of one
/// global revision counter, in commit order, so a watcher can resume with <see cref="ListChangedSinceAsync"/>.
/// </summary>
internal interface ISandboxStore
{
    /// <summary>Generation 1, phase PENDING. <see cref="StoreError.AlreadyExists"/> (field "name") when a sandbox
    /// of that name not marked for deletion exists in the project.</summary>
    Task<SandboxRecord> CreateAsync(NewSandbox sandbox, CancellationToken cancellationToken);

    /// <summary>Null when unknown or purged. Marked-for-deletion sandboxes are returned with Deleted set.</summary>
    Task<SandboxRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Ordered by creation; includes sandboxes marked for deletion until purged.</summary>
    Task<SandboxPage> ListAsync(SandboxQuery query, CancellationToken cancellationToken);

    /// <summary>Replaces the spec and bumps the generation. NOT_FOUND; CONFLICT when expectedRevision is given and stale.</summary>
    Task<SandboxRecord> UpdateSpecAsync(string id, SandboxSpec spec, long? expectedRevision, CancellationToken cancellationToken);

    /// <summary>Sets Deleted and bumps the generation; a no-op for an already deleted sandbox. NOT_FOUND.</summary>
    Task<SandboxRecord> MarkDeletedAsync(string id, CancellationToken cancellationToken);

    /// <summary>Replaces the observed status. CONFLICT when the record's revision is not expectedRevision. NOT_FOUND.</summary>
    Task<SandboxRecord> UpdateStatusAsync(string id, SandboxStatus status, long expectedRevision, CancellationToken cancellationToken);

    /// <summary>Removes the sandbox, its labels, its agent token and its stored output; leaves a purge change. No-op when unknown.</summary>
    Task PurgeAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// At most <paramref name="limit"/> sandboxes deleted and STOPPED since before <paramref name="endedBefore"/>
    /// (see <see cref="SandboxRecord.EndedAt"/>), those ended longest ago first (ties by id): from the first, or from the
    /// one after <paramref name="after"/> (the last of a previous page), so a caller can walk past sandboxes it skips.
    /// </summary>
    Task<IReadOnlyList<EndedSandbox>> ListEndedAsync(DateTimeOffset endedBefore, EndedSandbox? after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Purges the sandbox as <see cref="PurgeAsync"/> does, in one transaction, if it is (still) deleted and STOPPED
    /// since before <paramref name="endedBefore"/>; false, changing nothing, otherwise.
    /// </summary>
    Task<bool> PurgeEndedAsync(string id, DateTimeOffset endedBefore, CancellationToken cancellationToken);

    /// <summary>
    /// Drops at most <paramref name="limit"/> purge changes made before <paramref name="purgedBefore"/>; a watcher
    /// still behind them misses their DELETED. Returns how many.
    /// </summary>
    Task<int> ForgetPurgesAsync(DateTimeOffset purgedBefore, int limit, CancellationToken cancellationToken);

    /// <summary>The latest committed revision (0 for an empty store).</summary>
    Task<long> GetRevisionAsync(CancellationToken cancellationToken);

    /// <summary>The current state of every sandbox changed after <paramref name="afterRevision"/> (purges included), by revision.</summary>
    Task<IReadOnlyList<SandboxChange>> ListChangedSinceAsync(long afterRevision, int limit, CancellationToken cancellationToken);

    /// <summary>Completes once a change with a revision above <paramref name="afterRevision"/> was committed by this process.</summary>
    Task WaitForChangeAsync(long afterRevision, CancellationToken cancellationToken);
}
