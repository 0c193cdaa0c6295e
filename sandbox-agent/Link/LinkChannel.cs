using Grpc.Net.Client;

namespace RemoteDev.Agent.Link;

internal static class LinkChannel
{
    /// <summary>A channel with HTTP/2 keepalive pings, so a dead peer or path is noticed while the stream is idle.</summary>
    public static GrpcChannel Create(Uri controlPlane) =>
        GrpcChannel.ForAddress(controlPlane, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectTimeout = LinkTimings.ConnectTimeout,
                KeepAlivePingDelay = LinkTimings.KeepAlivePingDelay,
                KeepAlivePingTimeout = LinkTimings.KeepAlivePingTimeout,
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                EnableMultipleHttp2Connections = false,
            },
            MaxReceiveMessageSize = 16 * 1024 * 1024,
        });
}
