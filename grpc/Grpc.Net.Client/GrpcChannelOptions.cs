using Grpc.Net.Compression;

namespace Grpc.Net.Client;

/// <summary>
/// Options of a <see cref="GrpcChannel"/>, as in grpc-dotnet.
/// Without <see cref="HttpHandler"/> or <see cref="HttpClient"/> the channel creates a <see cref="SocketsHttpHandler"/>
/// suited to long-lived links: several HTTP/2 connections when one runs out of streams, pooled connections never
/// closed for idleness, a connect timeout of 20 s, a 1 MiB initial HTTP/2 stream window and keepalive pings (after
/// 60 s without frames from the server while calls are active; the connection fails when no answer comes within 30 s).
/// Kestrel accepts such pings; a grpc-core server (grpcio, C++) by default answers pings more frequent than every
/// 5 minutes on a connection without data with GOAWAY "too_many_pings", so against one either allow them there
/// (grpc.http2.min_ping_interval_without_data_ms) or pass a handler with a longer KeepAlivePingDelay.
/// </summary>
/// <example>
/// A server listening on a unix domain socket: the address only sets the :authority header.
/// <code>
/// var handler = new SocketsHttpHandler
/// {
///     ConnectCallback = async (_, ct) =>
///     {
///         var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
///         try { await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct); return new NetworkStream(socket, ownsSocket: true); }
///         catch { socket.Dispose(); throw; }
///     },
/// };
/// using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler });
/// </code>
/// </example>
public sealed class GrpcChannelOptions
{
    /// <summary>Largest message the client sends, in bytes; null means no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Largest message the client accepts, in bytes (4 MiB by default); null means no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Message encodings the channel can use; gzip when null.</summary>
    public IList<ICompressionProvider>? CompressionProviders { get; set; }

    /// <summary>The HTTP handler calls are sent through; mutually exclusive with <see cref="HttpClient"/>.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>The HTTP client calls are sent through; mutually exclusive with <see cref="HttpHandler"/>.</summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Whether disposing the channel disposes a given <see cref="HttpClient"/> or <see cref="HttpHandler"/>.</summary>
    public bool DisposeHttpClient { get; set; }

    /// <summary>Whether a cancelled call throws <see cref="OperationCanceledException"/> instead of a CANCELLED <c>RpcException</c>.</summary>
    public bool ThrowOperationCanceledOnCancellation { get; set; }
}
