using Microsoft.Extensions.Logging;

namespace RemoteDev.Agent.Files;

internal static partial class FileLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Deleted upload {Path}: no chunk for {Minutes} min")]
    public static partial void UploadExpired(ILogger logger, string path, double minutes);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Cannot delete abandoned upload {Path}")]
    public static partial void UploadNotDeleted(ILogger logger, string path, Exception error);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "Deleted upload {Path}: an earlier run of the agent left it unfinished")]
    public static partial void AbandonedUploadDeleted(ILogger logger, string path);

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "Dropped upload journal entry {Path}: {Reason}")]
    public static partial void JournalEntryDropped(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 504, Level = LogLevel.Warning, Message = "Cannot delete upload journal entry {Path}")]
    public static partial void JournalEntryNotDeleted(ILogger logger, string path, Exception error);
}
