using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Store;

/// <summary>
/// One sandbox as stored. Spec and Status are fresh copies owned by the caller. Generation counts desired-state
/// changes (spec, deletion); Revision is the global revision of the last change of any kind; CreatedRevision tells
/// a watcher whether the sandbox was added after it started. EndedAt: since when the sandbox is deleted and STOPPED
/// (its teardown finished), null otherwise.
/// </summary>
internal sealed record SandboxRecord(
    string Id,
    string Name,
    string Project,
    IReadOnlyDictionary<string, string> Labels,
    SandboxSpec Spec,
    long Generation,
    bool Deleted,
    SandboxStatus Status,
    long Revision,
    long CreatedRevision,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt);

internal sealed record NewSandbox(string Name, string Project, IReadOnlyDictionary<string, string> Labels, SandboxSpec Spec);

/// <summary>Project null: every project. Every label must match exactly. PageSize 1..1000; PageToken null or from a previous page.</summary>
internal sealed record SandboxQuery(string? Project, IReadOnlyDictionary<string, string> Labels, int PageSize, string? PageToken);

/// <summary>
/// NextPageToken is null on the last page. TokensAfter[i] continues right after Sandboxes[i], for a caller that answers
/// only the first i + 1 of the page (the API cuts pages by bytes too).
/// </summary>
internal sealed record SandboxPage(IReadOnlyList<SandboxRecord> Sandboxes, IReadOnlyList<string> TokensAfter, string? NextPageToken);

/// <summary>Sandbox is the state at Revision, or null when the sandbox was purged at Revision.</summary>
internal sealed record SandboxChange(long Revision, string Id, string Project, SandboxRecord? Sandbox);

/// <summary>A sandbox deleted and STOPPED since <see cref="EndedAt"/>, as <see cref="ISandboxStore.ListEndedAsync"/> lists it.</summary>
internal sealed record EndedSandbox(string Id, DateTimeOffset EndedAt);
