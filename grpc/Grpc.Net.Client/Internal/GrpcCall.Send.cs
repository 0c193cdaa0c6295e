using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>Starting a call: the request, the deadline and cancellation wiring, the response headers.</summary>
internal sealed partial class GrpcCall<TRequest, TResponse>
{
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

        if (response.Headers.NonValidated.TryGetValues(GrpcWire.EncodingHeader, out var encoding) && encoding.ToString() != GrpcWire.IdentityEncoding)
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
}
