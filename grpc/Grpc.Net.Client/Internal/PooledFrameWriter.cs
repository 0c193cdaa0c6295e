using System.Buffers;
using System.Buffers.Binary;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// Serializes one message at a time into a pooled buffer prefixed by the 5-byte gRPC frame header, so a frame is one
/// write. The buffer is reused across the messages of a call and returned to the pool by <see cref="Dispose"/>.
/// </summary>
internal sealed class PooledFrameWriter : SerializationContext, IBufferWriter<byte>, IDisposable
{
    private const int MinimumBufferSize = 4096;

    private byte[] _buffer = [];
    private int _written;
    private bool _completed;

    /// <summary>The frame of the last serialized message.</summary>
    public ReadOnlyMemory<byte> Frame => _buffer.AsMemory(0, _written);

    public void WriteFrame<T>(Marshaller<T> marshaller, T message, FrameOptions options)
    {
        Reset(MinimumBufferSize);
        try
        {
            marshaller.ContextualSerializer(message, this);
        }
        catch (Exception ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Error serializing the message. {ex.GetType().Name}: {ex.Message}", ex));
        }

        if (!_completed)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Error serializing the message: the serializer did not complete it."));
        }

        var payloadLength = _written - GrpcWire.MessageHeaderLength;
        var compressed = options.Compression is not null;
        if (compressed)
        {
            payloadLength = Compress(options.Compression!);
        }

        if (payloadLength > options.MaxMessageSize)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "Sending message exceeds the maximum configured message size."));
        }

        _buffer[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(1), (uint)payloadLength);
    }

    public override void Complete(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        Reset(GrpcWire.MessageHeaderLength + payload.Length);
        payload.CopyTo(_buffer.AsSpan(GrpcWire.MessageHeaderLength));
        _written += payload.Length;
        _completed = true;
    }

    public override void SetPayloadLength(int payloadLength) => EnsureCapacity(payloadLength);

    public override IBufferWriter<byte> GetBufferWriter() => this;

    public override void Complete() => _completed = true;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(Math.Max(sizeHint, 1));
        return _buffer.AsSpan(_written);
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Reset(int capacity)
    {
        _written = 0;
        _completed = false;
        EnsureCapacity(capacity);
        _written = GrpcWire.MessageHeaderLength;
    }

    private void EnsureCapacity(int free)
    {
        if (_buffer.Length - _written >= free)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_written + free, Math.Max(_buffer.Length * 2, MinimumBufferSize)));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }

    private int Compress(ICompressionProvider provider)
    {
        var output = new MemoryStream();
        using (var compressor = provider.CreateCompressionStream(output, null))
        {
            compressor.Write(_buffer, GrpcWire.MessageHeaderLength, _written - GrpcWire.MessageHeaderLength);
        }

        _written = GrpcWire.MessageHeaderLength;
        EnsureCapacity((int)output.Length);
        output.GetBuffer().AsSpan(0, (int)output.Length).CopyTo(_buffer.AsSpan(_written));
        _written += (int)output.Length;
        return (int)output.Length;
    }
}

/// <summary>How one message is framed: compressed or not, and the largest payload allowed.</summary>
internal readonly record struct FrameOptions(ICompressionProvider? Compression, int MaxMessageSize);
