using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Unimplemented gRPC call {Path}")]
    public static partial void UnimplementedCall(ILogger logger, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Rejected gRPC call {Method}: content-type {ContentType} is not supported")]
    public static partial void UnsupportedContentType(ILogger logger, string method, string? contentType);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Rejected gRPC call {Method}: protocol {Protocol} is not supported")]
    public static partial void UnsupportedProtocol(ILogger logger, string method, string protocol);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "gRPC handler of {Method} failed")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception error);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "gRPC call {Method} exceeded its deadline")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "gRPC call {Method} ended with {StatusCode}: {Detail}")]
    public static partial void CallRejected(ILogger logger, string method, Grpc.Core.StatusCode statusCode, string detail);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "gRPC call {Method} was cancelled by the client")]
    public static partial void CallCancelled(ILogger logger, string method);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Could not send the status of gRPC call {Method}")]
    public static partial void StatusNotSent(ILogger logger, string method, Exception error);

    [LoggerMessage(EventId = 9, Level = LogLevel.Debug, Message = "gRPC call {Method}: request header {Header} is not valid gRPC metadata and was left out")]
    public static partial void RequestHeaderLeftOut(ILogger logger, string method, string header);
}
