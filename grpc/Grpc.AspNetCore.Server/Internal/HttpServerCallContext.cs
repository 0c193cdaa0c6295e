using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// The state of one call over one HTTP/2 stream. Owns the single writer of the response (a lock shared by message
/// writes, the final status and the deadline) and the cancellation seen by the handler.
/// </summary>
internal sealed partial class HttpServerCallContext : ServerCallContext, IAsyncDisposable
{
    private readonly CallHandlerSettings _settings;
    private readonly string _method;
    private readonly CancellationTokenSource _cancellation;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private PipeSerializationContext? _serializationContext;
    private DateTime _deadline = DateTime.MaxValue;
    private ITimer? _deadlineTimer;
    private Task? _deadlineTask;
    private string? _responseEncoding;
    private string? _clientAcceptEncoding;
    private int _writing;
    private bool _ended;
    private Dictionary<object, object>? _userState;
    private bool _unflushed;

    public HttpServerCallContext(HttpContext httpContext, string method, CallHandlerSettings settings)
    {
        HttpContext = httpContext;
        _method = method;
        _settings = settings;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        Reader = new RequestMessageReader(httpContext.Request.BodyReader, settings.MaxReceiveMessageSize);
    }

    public HttpContext HttpContext { get; }

    public RequestMessageReader Reader { get; }

    protected override string MethodCore => _method;

    protected override string HostCore => HttpContext.Request.Host.Value ?? string.Empty;

    protected override string PeerCore => HttpContext.Connection.RemoteIpAddress switch
    {
        { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } v6 => $"ipv6:[{v6}]:{HttpContext.Connection.RemotePort}",
        { } v4 => $"ipv4:{v4}:{HttpContext.Connection.RemotePort}",
        null => "unknown",
    };

    protected override DateTime DeadlineCore => _deadline;

    protected override Metadata RequestHeadersCore => _requestHeaders ??= MetadataCodec.FromRequestHeaders(HttpContext.Request.Headers, _settings.Logger, _method);

    protected override CancellationToken CancellationTokenCore => _cancellation.Token;

    protected override Metadata ResponseTrailersCore => _responseTrailers ??= [];

    protected override Status StatusCore { get; set; } = Status.DefaultSuccess;

    protected override IDictionary<object, object> UserStateCore =>
        _userState ??= new Dictionary<object, object> { [ServerCallContextExtensions.HttpContextKey] = HttpContext };

    protected override WriteOptions? WriteOptionsCore { get; set; }

    /// <summary>Reads the call's headers: deadline and encodings. Throws <see cref="RpcException"/> on bad values.</summary>
    public void Start()
    {
        var headers = HttpContext.Request.Headers;
        HttpContext.Response.ContentType = GrpcWire.ContentType;
        HttpContext.Response.Headers[GrpcWire.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
        _clientAcceptEncoding = headers[GrpcWire.AcceptEncodingHeader].ToString();
        _responseEncoding = ChooseResponseEncoding(_settings.ResponseCompressionAlgorithm);

        var requestEncoding = headers[GrpcWire.EncodingHeader].ToString();
        if (requestEncoding.Length > 0 && !GrpcProtocol.IsSupportedEncoding(requestEncoding))
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding value '{requestEncoding}'. Supported encodings: {GrpcProtocol.SupportedEncodings}"));
        }

        Reader.RequestEncoding = requestEncoding.Length == 0 ? null : requestEncoding;

        var timeout = headers[GrpcWire.TimeoutHeader].ToString();
        if (timeout.Length > 0)
        {
            if (!GrpcTimeout.TryParse(timeout, out var duration))
            {
                throw new RpcException(new Status(StatusCode.Internal, $"Invalid grpc-timeout value '{timeout}'."));
            }

            StartDeadline(duration);
        }
    }

    protected override async Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        await _writeLock.WaitAsync(CancellationToken);
        try
        {
            if (HttpContext.Response.HasStarted || _ended)
            {
                throw new InvalidOperationException("Response headers can only be sent once per call.");
            }

            foreach (var entry in responseHeaders)
            {
                if (entry.Key == GrpcWire.InternalEncodingRequestHeader)
                {
                    _responseEncoding = ChooseResponseEncoding(entry.Value);
                    continue;
                }

                HttpContext.Response.Headers.Append(entry.Key, entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value);
            }

            SetEncodingHeader();
            await HttpContext.Response.BodyWriter.FlushAsync(CancellationToken);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Frames and flushes one message. <paramref name="bufferable"/> (streams) lets WriteFlags.BufferHint skip the flush;
    /// the status flushes whatever is left, as Kestrel must not end a response whose data was never flushed.
    /// </summary>
    public async Task WriteMessageAsync<T>(T message, Action<T, SerializationContext> serializer, WriteOptions? options, bool bufferable, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _writing, 1) == 1)
        {
            throw new InvalidOperationException("Can't write the message because the previous write is in progress.");
        }

        using var linked = LinkWithCall(cancellationToken);
        var token = linked?.Token ?? CancellationToken;
        try
        {
            await _writeLock.WaitAsync(token);
            try
            {
                if (_ended)
                {
                    throw new InvalidOperationException("Can't write the message because the call is complete.");
                }

                if (!HttpContext.Response.HasStarted)
                {
                    SetEncodingHeader();
                }

                var flags = options?.Flags ?? default;
                var compress = _responseEncoding is not null && (flags & WriteFlags.NoCompress) == 0;
                _serializationContext ??= new PipeSerializationContext(_settings.MaxSendMessageSize, _settings.ResponseCompressionLevel);
                _serializationContext.Write(HttpContext.Response.BodyWriter, message, serializer, compress);
                _unflushed = true;
                if (!bufferable || (flags & WriteFlags.BufferHint) == 0)
                {
                    await HttpContext.Response.BodyWriter.FlushAsync(token);
                    _unflushed = false;
                }
            }
            finally
            {
                _writeLock.Release();
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    /// <summary>A source only when the caller's token is another one than the call's (no allocation in the common case).</summary>
    public CancellationTokenSource? LinkWithCall(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled && cancellationToken != _cancellation.Token
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancellation.Token)
            : null;

    private string? ChooseResponseEncoding(string? wanted)
    {
        if (wanted is null || wanted == GrpcWire.IdentityEncoding || !GrpcProtocol.IsSupportedEncoding(wanted))
        {
            return null;
        }

        foreach (var accepted in (_clientAcceptEncoding ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
        {
            if (accepted == wanted)
            {
                return wanted;
            }
        }

        return null;
    }

    private void SetEncodingHeader()
    {
        if (_responseEncoding is not null)
        {
            HttpContext.Response.Headers[GrpcWire.EncodingHeader] = _responseEncoding;
        }
    }
}
