using Grpc.Core;
using Grpc.Net.Compression;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// One client call over one HTTP/2 stream: sends the request, validates the response headers, reads messages and the
/// trailers, and ends exactly once with a status, whether the server, the deadline, a cancellation or a transport
/// failure ends it. Ending before the server does resets the stream (RST_STREAM CANCEL).
/// </summary>
internal sealed partial class GrpcCall<TRequest, TResponse>
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
            Finish(ResponseStatus.FromException(ex, "Error starting gRPC call."), Metadata.Empty);
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

    /// <summary>
    /// Ends the call with INTERNAL for a protocol violation seen by the caller, such as a unary response without a
    /// message; this replaces an OK the server already sent, since the call did not deliver what it promised.
    /// </summary>
    public Exception ProtocolViolation(string detail)
    {
        var status = new Status(StatusCode.Internal, detail);
        if (!Finish(status, Metadata.Empty))
        {
            lock (_lock)
            {
                if (_result!.Status.StatusCode == StatusCode.OK)
                {
                    Volatile.Write(ref _result, _result with { Status = status });
                }
            }
        }

        return CreateException();
    }

    /// <summary>The exception a caller sees for a call that ended without OK.</summary>
    public Exception CreateException()
    {
        var result = Result!;
        return _channel.Settings.ThrowOperationCanceledOnCancellation && result.Status.StatusCode == StatusCode.Cancelled
            ? new OperationCanceledException(result.Status.Detail)
            : new RpcException(result.Status, result.Trailers);
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
}

/// <summary>How a call ended.</summary>
internal sealed record CallResult(Status Status, Metadata Trailers);
