using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>HTTP/2 keepalive of a gRPC server: Kestrel pings an idle connection and closes it when the ping goes unanswered.</summary>
public sealed record GrpcKeepAliveOptions
{
    /// <summary>Idle time before the server sends a PING.</summary>
    public required TimeSpan PingDelay { get; init; }

    /// <summary>Time the peer has to answer a PING before the connection is closed.</summary>
    public required TimeSpan PingTimeout { get; init; }
}

public static class GrpcKestrelExtensions
{
    /// <summary>Sets Kestrel's <c>Limits.Http2.KeepAlivePingDelay</c> and <c>KeepAlivePingTimeout</c>.</summary>
    public static KestrelServerOptions ConfigureGrpcKeepAlive(this KestrelServerOptions options, GrpcKeepAliveOptions keepAlive)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keepAlive);
        options.Limits.Http2.KeepAlivePingDelay = keepAlive.PingDelay;
        options.Limits.Http2.KeepAlivePingTimeout = keepAlive.PingTimeout;
        return options;
    }
}
