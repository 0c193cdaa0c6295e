using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Reads length-prefixed messages from the request body pipe and deserializes each straight from the pipe's buffers
/// (no copy unless compressed). One reader at a time.
/// </summary>
internal sealed class RequestMessageReader(PipeReader pipe, int? maxMessageSize)
{
    private readonly SequenceDeserializationContext _context = new();

    /// <summary>The request's grpc-encoding; null for identity.</summary>
    public string? RequestEncoding { get; set; }

    /// <summary>Exactly one message (unary and server-streaming requests).</summary>
    public async Task<T> ReadSingleMessageAsync<T>(Func<DeserializationContext, T> deserializer, CancellationToken cancellationToken)
        where T : class
    {
        var message = await ReadMessageAsync(deserializer, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.Internal, "Request did not include a message."));
        if (await ReadMessageAsync(deserializer, cancellationToken) is not null)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Additional data after the message received."));
        }

        return message;
    }

    /// <summary>The next message, or null at the end of the request stream.</summary>
    public async ValueTask<T?> ReadMessageAsync<T>(Func<DeserializationContext, T> deserializer, CancellationToken cancellationToken)
        where T : class
    {
        while (true)
        {
            var result = await pipe.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (TryReadFrame(buffer, out var compressed, out var payload))
            {
                try
                {
                    return Deserialize(deserializer, compressed, payload);
                }
                finally
                {
                    pipe.AdvanceTo(payload.End);
                }
            }

            if (result.IsCompleted)
            {
                pipe.AdvanceTo(buffer.End);
                return buffer.IsEmpty
                    ? null
                    : throw new RpcException(new Status(StatusCode.Internal, "Incomplete message."));
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException("The request body read was cancelled.");
            }

            pipe.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private bool TryReadFrame(ReadOnlySequence<byte> buffer, out bool compressed, out ReadOnlySequence<byte> payload)
    {
        compressed = false;
        payload = default;
        if (buffer.Length < GrpcWire.MessageHeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[GrpcWire.MessageHeaderLength];
        buffer.Slice(0, GrpcWire.MessageHeaderLength).CopyTo(header);
        compressed = header[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new RpcException(new Status(StatusCode.Internal, $"Invalid compressed flag {header[0]} in message header.")),
        };
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)(maxMessageSize ?? int.MaxValue))
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Received message exceeds the maximum configured message size ({length} > {maxMessageSize} bytes)."));
        }

        if (buffer.Length < GrpcWire.MessageHeaderLength + length)
        {
            return false;
        }

        payload = buffer.Slice(GrpcWire.MessageHeaderLength, length);
        return true;
    }

    private T Deserialize<T>(Func<DeserializationContext, T> deserializer, bool compressed, ReadOnlySequence<byte> payload)
    {
        if (compressed)
        {
            if (RequestEncoding is null or GrpcWire.IdentityEncoding)
            {
                throw new RpcException(new Status(StatusCode.Internal, "Request message is compressed but the request has no grpc-encoding."));
            }

            payload = GzipCodec.Decompress(payload, maxMessageSize);
        }

        _context.Reset(payload);
        try
        {
            return deserializer(_context);
        }
        catch (Exception error) when (error is not RpcException)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize the request message.", error));
        }
        finally
        {
            _context.Reset(default);
        }
    }
}
