namespace RemoteDev.Agent.Files;

/// <summary>One upload in progress as the journal keeps it: enough to name its hidden file.</summary>
internal sealed record UploadJournalEntry(string Path, string UploadId);
