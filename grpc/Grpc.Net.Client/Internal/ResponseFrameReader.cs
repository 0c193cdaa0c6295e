using System.Buffers;
using System.Buffers.Binary;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// Reads length-prefixed messages from a response body through one pooled read-ahead buffer; a payload that fits is
/// handed out in place, a larger one gets a pooled buffer of its own. One read at a time.
/// </summary>
internal sealed class ResponseFrameReader(Stream body, int maxMessageSize) : IDisposable
{
    private const int ReadAheadSize = 16 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ReadAheadSize);
    private int _start;
    private int _end;
    private byte[]? _large;

    /// <summary>The next message's payload, valid until the next call; null at a clean end of the body.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(ICompressionProvider? decompressor, CancellationToken cancellationToken)
    {
        ReturnLarge();
        if (!await FillAsync(GrpcWire.MessageHeaderLength, cancellationToken).ConfigureAwait(false))
        {
            if (_end == _start)
            {
                return null;
            }

            throw Protocol("The response body ended inside a message header.");
        }

        var compressed = _buffer[_start] switch
        {
            0 => false,
            1 => true,
            _ => throw Protocol("Invalid compressed flag in a message header."),
        };
        var length = BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_start + 1));
        if (length > (uint)maxMessageSize)
        {
            throw ReceiveLimitExceeded();
        }

        _start += GrpcWire.MessageHeaderLength;
        var payload = await ReadPayloadAsync((int)length, cancellationToken).ConfigureAwait(false);
        if (!compressed)
        {
            return payload;
        }

        if (decompressor is null)
        {
            throw Protocol("A compressed message arrived without a grpc-encoding the client supports.");
        }

        return Decompress(decompressor, payload);
    }

    public void Dispose()
    {
        ReturnLarge();
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadPayloadAsync(int length, CancellationToken cancellationToken)
    {
        if (length <= _buffer.Length)
        {
            if (!await FillAsync(length, cancellationToken).ConfigureAwait(false))
            {
                throw Protocol("The response body ended inside a message.");
            }

            var inPlace = _buffer.AsMemory(_start, length);
            _start += length;
            return inPlace;
        }

        _large = ArrayPool<byte>.Shared.Rent(length);
        var buffered = _end - _start;
        _buffer.AsSpan(_start, buffered).CopyTo(_large);
        _start = _end = 0;
        var filled = buffered;
        while (filled < length)
        {
            var read = await body.ReadAsync(_large.AsMemory(filled, length - filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw Protocol("The response body ended inside a message.");
            }

            filled += read;
        }

        return _large.AsMemory(0, length);
    }

    /// <summary>Buffers at least <paramref name="count"/> unread bytes; false if the body ends first.</summary>
    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_buffer.Length - _start < count)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        while (_end - _start < count)
        {
            var read = await body.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    private ReadOnlyMemory<byte> Decompress(ICompressionProvider decompressor, ReadOnlyMemory<byte> payload)
    {
        var output = new ArrayBufferWriter<byte>(Math.Max(payload.Length * 2, 256));
        using (var stream = decompressor.CreateDecompressionStream(new ReadOnlyMemoryStream(payload)))
        {
            while (true)
            {
                var read = stream.Read(output.GetSpan(8192));
                if (read == 0)
                {
                    break;
                }

                output.Advance(read);
                if (output.WrittenCount > maxMessageSize)
                {
                    throw ReceiveLimitExceeded();
                }
            }
        }

        return output.WrittenMemory;
    }

    private void ReturnLarge()
    {
        if (_large is not null)
        {
            ArrayPool<byte>.Shared.Return(_large);
            _large = null;
        }
    }

    private static RpcException ReceiveLimitExceeded() =>
        new(new Status(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size."));

    private static RpcException Protocol(string detail) => new(new Status(StatusCode.Internal, detail));
}
