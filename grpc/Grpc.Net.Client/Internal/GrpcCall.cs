using Grpc.Core;
using Grpc.Net.Compression;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// One client call over one HTTP/2 stream: sends the request, validates the response headers, reads messages and the
/// trailers, and ends exactly once with a status, whether the server, the deadline, a cancellation or a transport
/// failure ends it. Ending before the server does resets the stream (RST_STREAM CANCEL).
/// </summary>
internal sealed class GrpcCall<TRequest, TResponse>
    where TRequest : class
    where TResponse : class
{
    /// <summary>The longest delay <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> accepts.</summary>
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource<Metadata> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly PayloadContext _payload = new();
    private CancellationTokenRegistration _userRegistration;
    private CancellationTokenRegistration _shutdownRegistration;
    private CancellationTokenRegistration _timerRegistration;
    private Task _responseStarted = Task.CompletedTask;
    private HttpRequestMessage? _request;
    private HttpResponseMessage? _response;
    private ResponseFrameReader? _reader;
    private ICompressionProvider? _decompressor;
    private StreamingRequestContent? _streamingContent;
    private CallResult? _result;
    private bool _reading;
    private bool _sent;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        RequestCompression = CallRequest.FindCompression(options.Headers, channel.Settings.Compression);
    }

    public Method<TRequest, TResponse> Method => _method;

    public ICompressionProvider? RequestCompression { get; }

    public Task<Metadata> ResponseHeadersAsync => _headers.Task;

    /// <summary>Cancelled when the call ends; transport operations of the call use it.</summary>
    public CancellationToken CallToken => _cts.Token;

    public CallResult? Result => Volatile.Read(ref _result);

    public void StartUnary(TRequest request)
    {
        var frame = new PooledFrameWriter();
        try
        {
            frame.WriteFrame(_method.RequestMarshaller, request, FrameOptions(_options.WriteOptions));
        }
        catch (Exception ex)
        {
            frame.Dispose();
            Finish(ResponseStatus.FromException(ex, "Error serializing the request message."), Metadata.Empty);
            return;
        }

        Start(new UnaryRequestContent(frame));
    }

    public StreamingRequestContent StartStreaming()
    {
        _streamingContent = new StreamingRequestContent();
        Start(_streamingContent);
        return _streamingContent;
    }

    public FrameOptions FrameOptions(WriteOptions? writeOptions) => new(
        (writeOptions?.Flags & WriteFlags.NoCompress) == WriteFlags.NoCompress ? null : RequestCompression,
        _channel.Settings.MaxSendMessageSize ?? int.MaxValue);

    public Status GetStatus() => (Result ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.")).Status;

    public Metadata GetTrailers() => (Result ?? throw new InvalidOperationException("Unable to get the trailers because the call is not complete.")).Trailers;

    /// <summary>Cancels the call unless it has ended; the server sees RST_STREAM CANCEL.</summary>
    public void Cancel(string detail) => Finish(new Status(StatusCode.Cancelled, detail), Metadata.Empty);

    public void Dispose()
    {
        Cancel("gRPC call disposed.");
        lock (_lock)
        {
            ReleaseIdleReader();
        }
    }

    /// <summary>Ends the call with <paramref name="status"/> unless it has ended; false if it had.</summary>
    public bool Finish(Status status, Metadata trailers)
    {
        lock (_lock)
        {
            if (_result is not null)
            {
                return false;
            }

            Volatile.Write(ref _result, new CallResult(status, trailers));
            ReleaseIdleReader();
        }

        _userRegistration.Dispose();
        _shutdownRegistration.Dispose();
        _timerRegistration.Dispose();
        if (_headers.TrySetException(new RpcException(status, trailers)))
        {
            _ = _headers.Task.Exception;
        }

        if (status.StatusCode == StatusCode.OK)
        {
            _streamingContent?.Complete();
            _cts.CancelAfter(Timeout.InfiniteTimeSpan);
        }
        else
        {
            _streamingContent?.Abort();
            _cts.Cancel();
        }

        HttpRequestMessage? request;
        lock (_lock)
        {
            request = _sent ? _request : null;
        }

        request?.Dispose();
        _response?.Dispose();
        return true;
    }

    /// <summary>The exception a caller sees for a call that ended without OK.</summary>
    public Exception CreateException()
    {
        var result = Result!;
        return _channel.Settings.ThrowOperationCanceledOnCancellation && result.Status.StatusCode == StatusCode.Cancelled
            ? new OperationCanceledException(result.Status.Detail)
            : new RpcException(result.Status, result.Trailers);
    }

    /// <summary>The next response message, or null once the call ended with OK; throws for any other end.</summary>
    public async Task<TResponse?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((GrpcCall<TRequest, TResponse>)state!).Cancel("Call canceled by the client."), this)
            : default;
        await _responseStarted.ConfigureAwait(false);
        ResponseFrameReader reader;
        lock (_lock)
        {
            if (_result is not null)
            {
                return EndOfResponse();
            }

            if (_reading)
            {
                throw new InvalidOperationException("Can't read the next message because the previous read is still in progress.");
            }

            _reading = true;
            reader = _reader!;
        }

        try
        {
            var payload = await reader.ReadAsync(_decompressor, _cts.Token).ConfigureAwait(false);
            if (payload is null)
            {
                Finish(ResponseStatus.FromTrailers(_response!), MetadataConverter.FromHeaders(_response!.TrailingHeaders));
                return EndOfResponse();
            }

            return _payload.Deserialize(_method.ResponseMarshaller, payload.Value);
        }
        catch (Exception ex)
        {
            Finish(Failure(ex, "Error reading next message."), Metadata.Empty);
            throw CreateException();
        }
        finally
        {
            lock (_lock)
            {
                _reading = false;
                ReleaseIdleReader();
            }
        }
    }

    /// <summary>
    /// The status of a transport failure; a server's CANCEL after the deadline counts as DEADLINE_EXCEEDED, as the spec
    /// recommends for clock skew between the peers.
    /// </summary>
    public Status Failure(Exception exception, string operation)
    {
        var status = ResponseStatus.FromException(exception, operation);
        return status.StatusCode == StatusCode.Cancelled && _options.Deadline is { } deadline && deadline.ToUniversalTime() <= DateTime.UtcNow
            ? new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded")
            : status;
    }

    private TResponse? EndOfResponse() => Result!.Status.StatusCode == StatusCode.OK ? null : throw CreateException();

    private void Start(HttpContent content)
    {
        _channel.ThrowIfDisposed();
        TimeSpan? timeout = null;
        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            timeout = deadline.ToUniversalTime() - DateTime.UtcNow;
            if (timeout <= TimeSpan.Zero)
            {
                content.Dispose();
                Finish(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), Metadata.Empty);
                return;
            }
        }

        _request = CallRequest.Create(
            _channel.MethodUri(_method),
            new CallRequestOptions(content, _channel.Settings.Compression.AcceptEncoding, RequestCompression, timeout, _options.Headers));
        _timerRegistration = _cts.Token.UnsafeRegister(static state => ((GrpcCall<TRequest, TResponse>)state!).OnCallTokenCancelled(), this);
        _shutdownRegistration = _channel.ShutdownToken.UnsafeRegister(static state => ((GrpcCall<TRequest, TResponse>)state!).Cancel("gRPC channel disposed."), this);
        if (_options.CancellationToken.CanBeCanceled)
        {
            _userRegistration = _options.CancellationToken.UnsafeRegister(static state => ((GrpcCall<TRequest, TResponse>)state!).Cancel("Call canceled by the client."), this);
        }

        if (timeout is { } delay && delay < MaxTimerDelay)
        {
            _cts.CancelAfter(delay);
        }

        _responseStarted = SendAsync(_request);
    }

    /// <summary>Only the deadline timer cancels the call token before the call has ended.</summary>
    private void OnCallTokenCancelled() => Finish(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), Metadata.Empty);

    private async Task SendAsync(HttpRequestMessage request)
    {
        HttpResponseMessage response;
        try
        {
            response = await _channel.SendAsync(request, _cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Finish(Failure(ex, "Error starting gRPC call."), Metadata.Empty);
            MarkSent(request);
            return;
        }

        lock (_lock)
        {
            _response = response;
        }

        if (Result is not null)
        {
            response.Dispose();
            MarkSent(request);
            return;
        }

        try
        {
            await OnResponseHeadersAsync(response).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Finish(Failure(ex, "Error reading response headers."), Metadata.Empty);
        }
        finally
        {
            MarkSent(request);
        }
    }

    /// <summary>The request (and its pooled frame) is disposed by whichever of sending and ending comes last.</summary>
    private void MarkSent(HttpRequestMessage request)
    {
        lock (_lock)
        {
            _sent = true;
            if (_result is null)
            {
                return;
            }
        }

        request.Dispose();
    }

    private async Task OnResponseHeadersAsync(HttpResponseMessage response)
    {
        var metadata = MetadataConverter.FromHeaders(response.Headers);
        if (ResponseStatus.FromResponseHeaders(response) is { } status)
        {
            if (status.StatusCode == StatusCode.OK)
            {
                _headers.TrySetResult(metadata);
            }

            Finish(status, metadata);
            return;
        }

        if (response.Headers.NonValidated.TryGetValues(GrpcProtocol.EncodingHeader, out var encoding) && encoding.ToString() != GrpcProtocol.IdentityEncoding)
        {
            _decompressor = _channel.Settings.Compression.Find(encoding.ToString());
        }

        var body = await response.Content.ReadAsStreamAsync(_cts.Token).ConfigureAwait(false);
        lock (_lock)
        {
            if (_result is not null)
            {
                return;
            }

            _reader = new ResponseFrameReader(body, _channel.Settings.MaxReceiveMessageSize ?? int.MaxValue);
        }

        _headers.TrySetResult(metadata);
    }

    /// <summary>Returns the read buffer to the pool once the call has ended and no read uses it.</summary>
    private void ReleaseIdleReader()
    {
        if (_result is not null && !_reading && _reader is not null)
        {
            _reader.Dispose();
            _reader = null;
        }
    }
}

/// <summary>How a call ended.</summary>
internal sealed record CallResult(Status Status, Metadata Trailers);
