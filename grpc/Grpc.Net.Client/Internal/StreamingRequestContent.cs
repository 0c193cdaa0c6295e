using System.Net;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// The body of a call with a request stream. Sending it flushes the HEADERS frame at once (a server may wait for the
/// first message before answering) and hands the HTTP/2 stream to the writer, which writes frames with backpressure
/// until it completes the body (half-close) or the call ends.
/// </summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingRequestContent()
    {
        Headers.TryAddWithoutValidation("Content-Type", GrpcWire.ContentType);
    }

    /// <summary>The request stream, once HTTP has started sending the body.</summary>
    public Task<Stream> RequestStream => _stream.Task;

    /// <summary>Ends the body with END_STREAM.</summary>
    public void Complete() => _completed.TrySetResult();

    /// <summary>Ends the body because the call ended; HTTP resets the stream if it is still open.</summary>
    public void Abort()
    {
        _stream.TrySetCanceled();
        _completed.TrySetCanceled();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // SocketsHttpHandler may resend a request on another connection; messages already written to the first
        // stream would be lost, so a second send fails the call instead.
        if (_stream.Task.IsCompleted)
        {
            throw new InvalidOperationException("The request stream of a gRPC call cannot be sent twice.");
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _stream.TrySetResult(stream);
        await _completed.Task.ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
