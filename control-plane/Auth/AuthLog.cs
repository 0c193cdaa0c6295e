using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace RemoteDev.ControlPlane.Auth;

internal static partial class AuthLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Denied {Method} from {Peer}: {Code}")]
    public static partial void Denied(ILogger logger, string method, string peer, StatusCode code);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "No API keys existed: created admin key {KeyId}; its token is in {Path} (owner-only)")]
    public static partial void AdminKeyCreated(ILogger logger, string keyId, string path);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Created API key {KeyId} ({Scope}) by {CallerKeyId}")]
    public static partial void KeyCreated(ILogger logger, string keyId, V1.Scope scope, string callerKeyId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Revoked API key {KeyId} by {CallerKeyId}")]
    public static partial void KeyRevoked(ILogger logger, string keyId, string callerKeyId);
}
