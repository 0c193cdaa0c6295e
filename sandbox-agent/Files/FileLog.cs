using Microsoft.Extensions.Logging;

namespace RemoteDev.Agent.Files;

internal static partial class FileLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Deleted upload {Path}: no chunk for {Minutes} min")]
    public static partial void UploadExpired(ILogger logger, string path, double minutes);

    [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Cannot delete abandoned upload {Path}")]
    public static partial void UploadNotDeleted(ILogger logger, string path, Exception error);
}
