using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Frames one response message at a time into the response pipe. With a known payload length and no compression the
/// marshaller writes straight into the pipe's memory after the 5-byte header; otherwise into a per-call buffer.
/// </summary>
internal sealed class PipeSerializationContext(int? maxMessageSize, CompressionLevel compressionLevel) : SerializationContext, IBufferWriter<byte>, IDisposable
{
    private const int RetainedBufferLimit = 1024 * 1024;

    private PipeWriter? _pipe;
    private bool _compress;
    private Mode _mode;
    private int _expectedLength;
    private int _written;
    private bool _completed;
    private ArrayBufferWriter<byte>? _buffer;
    private MemoryStream? _compressed;

    private enum Mode
    {
        None,
        Direct,
        Buffered,
    }

    public void Write<T>(PipeWriter pipe, T message, Action<T, SerializationContext> serializer, bool compress)
    {
        (_pipe, _compress, _mode, _written, _completed) = (pipe, compress, Mode.None, 0, false);
        try
        {
            serializer(message, this);
            if (!_completed)
            {
                throw new InvalidOperationException("The response serializer did not complete the message.");
            }
        }
        finally
        {
            _pipe = null;
            if (_buffer is { Capacity: > RetainedBufferLimit })
            {
                _buffer = null;
            }

            _buffer?.ResetWrittenCount();
        }
    }

    public override void SetPayloadLength(int payloadLength)
    {
        CheckLimit(payloadLength);
        _expectedLength = payloadLength;
        if (_compress)
        {
            _mode = Mode.Buffered;
            return;
        }

        WriteHeader(Pipe, compressed: false, payloadLength);
        _mode = Mode.Direct;
    }

    public override IBufferWriter<byte> GetBufferWriter()
    {
        if (_mode == Mode.None)
        {
            _mode = Mode.Buffered;
            _expectedLength = -1;
        }

        return this;
    }

    public override void Complete()
    {
        if (_mode == Mode.Direct)
        {
            if (_written != _expectedLength)
            {
                throw new InvalidOperationException($"The serializer wrote {_written} bytes after announcing {_expectedLength}.");
            }
        }
        else
        {
            WriteFrame(Buffer.WrittenSpan);
        }

        _completed = true;
    }

    public override void Complete(byte[] payload)
    {
        WriteFrame(payload);
        _completed = true;
    }

    public void Advance(int count)
    {
        _written += count;
        if (_mode == Mode.Direct)
        {
            Pipe.Advance(count);
        }
        else
        {
            Buffer.Advance(count);
        }
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _mode == Mode.Direct ? Pipe.GetMemory(sizeHint) : Buffer.GetMemory(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => _mode == Mode.Direct ? Pipe.GetSpan(sizeHint) : Buffer.GetSpan(sizeHint);

    public void Dispose() => _compressed?.Dispose();

    private PipeWriter Pipe => _pipe ?? throw new InvalidOperationException("No message is being written.");

    private ArrayBufferWriter<byte> Buffer => _buffer ??= new ArrayBufferWriter<byte>();

    private void WriteFrame(ReadOnlySpan<byte> payload)
    {
        CheckLimit(payload.Length);
        // .NET's GZipStream writes nothing for empty input, which peers cannot inflate: send empty messages as is.
        var compress = _compress && !payload.IsEmpty;
        if (compress)
        {
            _compressed ??= new MemoryStream();
            GzipCodec.Compress(payload, compressionLevel, _compressed);
            payload = _compressed.GetBuffer().AsSpan(0, (int)_compressed.Length);
        }

        WriteHeader(Pipe, compress, payload.Length);
        Pipe.Write(payload);
        if (_compressed is { Capacity: > RetainedBufferLimit })
        {
            _compressed.Dispose();
            _compressed = null;
        }
    }

    private void CheckLimit(int payloadLength)
    {
        if (payloadLength > (maxMessageSize ?? int.MaxValue))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Sending message exceeds the maximum configured message size ({payloadLength} > {maxMessageSize} bytes)."));
        }
    }

    private static void WriteHeader(PipeWriter pipe, bool compressed, int length)
    {
        var header = pipe.GetSpan(GrpcWire.MessageHeaderLength);
        header[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)length);
        pipe.Advance(GrpcWire.MessageHeaderLength);
    }
}
