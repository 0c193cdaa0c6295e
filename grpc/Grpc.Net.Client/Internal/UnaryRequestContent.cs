using System.Net;

namespace Grpc.Net.Client.Internal;

/// <summary>The body of a call with one request message: its frame, owned until the request is disposed.</summary>
internal sealed class UnaryRequestContent : HttpContent
{
    private readonly PooledFrameWriter _frame;

    public UnaryRequestContent(PooledFrameWriter frame)
    {
        _frame = frame;
        Headers.TryAddWithoutValidation("Content-Type", GrpcWire.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_frame.Frame, cancellationToken).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _frame.Dispose();
        }

        base.Dispose(disposing);
    }
}
