using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// Writes request messages of a client-streaming or duplex call straight to the HTTP/2 stream, one at a time: a write
/// completes when HTTP/2 flow control has taken the frame, so a slow server slows the writer instead of growing a queue.
/// </summary>
internal sealed class RequestStreamWriter<TRequest, TResponse> : IClientStreamWriter<TRequest>
    where TRequest : class
    where TResponse : class
{
    private readonly GrpcCall<TRequest, TResponse> _call;
    private readonly StreamingRequestContent _content;
    private readonly PooledFrameWriter _frame = new();
    private readonly Lock _lock = new();
    private Task _pendingWrite = Task.CompletedTask;
    private bool _completed;

    public RequestStreamWriter(GrpcCall<TRequest, TResponse> call, StreamingRequestContent content, WriteOptions? writeOptions)
    {
        _call = call;
        _content = content;
        WriteOptions = writeOptions;
    }

    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(TRequest message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(TRequest message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_lock)
        {
            if (!_pendingWrite.IsCompleted)
            {
                return Task.FromException(new InvalidOperationException("Can't write the message because the previous write is in progress."));
            }

            if (_completed)
            {
                return Task.FromException(new InvalidOperationException("Can't write the message because the request stream is complete."));
            }

            if (_call.Result is { } result)
            {
                return Task.FromException(result.Status.StatusCode == StatusCode.OK
                    ? new InvalidOperationException("Can't write the message because the call is complete.")
                    : _call.CreateException());
            }

            _pendingWrite = WriteCoreAsync(message, WriteOptions, cancellationToken);
            return _pendingWrite;
        }
    }

    public Task CompleteAsync()
    {
        lock (_lock)
        {
            if (!_pendingWrite.IsCompleted)
            {
                return Task.FromException(new InvalidOperationException("Can't complete the request stream because a write is in progress."));
            }

            _completed = true;
        }

        _content.Complete();
        return Task.CompletedTask;
    }

    private async Task WriteCoreAsync(TRequest message, WriteOptions? writeOptions, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((GrpcCall<TRequest, TResponse>)state!).Cancel("Call canceled by the client."), _call)
            : default;
        try
        {
            _frame.WriteFrame(_call.Method.RequestMarshaller, message, _call.FrameOptions(writeOptions));
            var stream = await _content.RequestStream.ConfigureAwait(false);
            await stream.WriteAsync(_frame.Frame, _call.CallToken).ConfigureAwait(false);
            if ((writeOptions?.Flags & WriteFlags.BufferHint) != WriteFlags.BufferHint)
            {
                await stream.FlushAsync(_call.CallToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            _call.Finish(_call.Failure(ex, "Error writing message."), Metadata.Empty);
            throw _call.Result!.Status.StatusCode == StatusCode.OK
                ? new InvalidOperationException("Can't write the message because the call is complete.", ex)
                : _call.CreateException();
        }
        finally
        {
            _frame.Dispose();
        }
    }
}
