using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client.Internal;
using Grpc.Net.Compression;

namespace Grpc.Net.Client;

/// <summary>A channel to one gRPC server address over HTTP/2 (<see cref="SocketsHttpHandler"/>).</summary>
public sealed class GrpcChannel : ChannelBase, IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A server may send this much on a stream before the client reads it (the default 64 KiB stalls 64 KiB messages
    /// on a round trip each until window scaling catches up).
    /// </summary>
    private const int InitialStreamWindowSize = 1024 * 1024;

    private readonly HttpMessageInvoker _invoker;
    private readonly bool _disposeInvoker;
    private readonly CallInvoker _callInvoker;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);
    private int _disposed;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
        : base(address.Authority)
    {
        if (options.HttpClient is not null && options.HttpHandler is not null)
        {
            throw new ArgumentException($"{nameof(GrpcChannelOptions.HttpClient)} and {nameof(GrpcChannelOptions.HttpHandler)} are mutually exclusive.", nameof(options));
        }

        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Address '{address}' must use the http or https scheme.", nameof(address));
        }

        if (options.MaxReceiveMessageSize < 0 || options.MaxSendMessageSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Message size limits must not be negative.");
        }

        Address = address;
        (_invoker, _disposeInvoker) = options switch
        {
            { HttpClient: { } client } => ((HttpMessageInvoker)client, options.DisposeHttpClient),
            { HttpHandler: { } handler } => (new HttpMessageInvoker(handler, options.DisposeHttpClient), true),
            _ => (new HttpMessageInvoker(CreateDefaultHandler(), disposeHandler: true), true),
        };
        Settings = new ChannelSettings(options.MaxSendMessageSize, options.MaxReceiveMessageSize, options.ThrowOperationCanceledOnCancellation, CompressionProviderSet.Create(options.CompressionProviders ?? [new GzipCompressionProvider(System.IO.Compression.CompressionLevel.Fastest)]));
        _callInvoker = new GrpcCallInvoker(this);
    }

    internal Uri Address { get; }

    internal ChannelSettings Settings { get; }

    /// <summary>Cancelled when the channel is disposed; every call of the channel ends with it.</summary>
    internal CancellationToken ShutdownToken => _shutdown.Token;

    public static GrpcChannel ForAddress(string address) => ForAddress(new Uri(address), new GrpcChannelOptions());

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions channelOptions) => ForAddress(new Uri(address), channelOptions);

    public static GrpcChannel ForAddress(Uri address) => ForAddress(address, new GrpcChannelOptions());

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions channelOptions)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(channelOptions);
        return new GrpcChannel(address, channelOptions);
    }

    public override CallInvoker CreateCallInvoker() => _callInvoker;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _shutdown.Cancel();
        if (_disposeInvoker)
        {
            _invoker.Dispose();
        }
    }

    protected override Task ShutdownAsyncCore()
    {
        Dispose();
        return Task.CompletedTask;
    }

    internal Uri MethodUri(IMethod method) => _methodUris.GetOrAdd(method.FullName, static (path, address) => new Uri(address, path), Address);

    /// <summary>Returns at the response headers; an <see cref="HttpClient"/> would otherwise buffer the whole body.</summary>
    internal Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _invoker is HttpClient client
            ? client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            : _invoker.SendAsync(request, cancellationToken);

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);

    private static SocketsHttpHandler CreateDefaultHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        ConnectTimeout = ConnectTimeout,
        KeepAlivePingDelay = KeepAlivePingDelay,
        KeepAlivePingTimeout = KeepAlivePingTimeout,
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        InitialHttp2StreamWindowSize = InitialStreamWindowSize,
    };
}
