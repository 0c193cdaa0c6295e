namespace RemoteDev.Agent.Files;

/// <summary>A validated chunk of an upload to <see cref="Path"/>: an absolute path, an upload id of safe characters.</summary>
internal sealed record UploadChunk(string Path, string UploadId, long Offset, ReadOnlyMemory<byte> Content, bool Final, UnixFileMode Mode);
