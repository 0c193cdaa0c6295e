namespace RemoteDev.Agent.Files;

/// <summary>An upload put in place: the size of its file and the version the file had then.</summary>
internal sealed record CompletedUpload(long Size, string Version);
