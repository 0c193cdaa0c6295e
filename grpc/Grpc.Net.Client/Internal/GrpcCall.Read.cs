using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>Reading a call's response messages and, at the end of the body, its trailers.</summary>
internal sealed partial class GrpcCall<TRequest, TResponse>
{
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

            return Deserialize(payload.Value);
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

    /// <summary>A payload the marshaller rejects is INTERNAL (protobuf's parse error is an IOException, not a transport failure).</summary>
    private TResponse Deserialize(ReadOnlyMemory<byte> payload)
    {
        try
        {
            return _payload.Deserialize(_method.ResponseMarshaller, payload);
        }
        catch (Exception ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Failed to deserialize response message. {ex.GetType().Name}: {ex.Message}", ex));
        }
    }

    private TResponse? EndOfResponse() => Result!.Status.StatusCode == StatusCode.OK ? null : throw CreateException();

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
