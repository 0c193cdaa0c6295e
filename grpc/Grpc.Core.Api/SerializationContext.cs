using System.Buffers;

namespace Grpc.Core;

/// <summary>Where a marshaller writes one message: either a whole buffer or a sized buffer writer.</summary>
public abstract class SerializationContext
{
    /// <summary>Completes the message with a whole payload.</summary>
    public abstract void Complete(byte[] payload);

    /// <summary>Announces the payload length before writing through <see cref="GetBufferWriter"/>.</summary>
    public abstract void SetPayloadLength(int payloadLength);

    public abstract IBufferWriter<byte> GetBufferWriter();

    /// <summary>Completes a message written through <see cref="GetBufferWriter"/>.</summary>
    public abstract void Complete();
}

/// <summary>Where a marshaller reads one message's payload.</summary>
public abstract class DeserializationContext
{
    public abstract int PayloadLength { get; }

    public abstract byte[] PayloadAsNewBuffer();

    public abstract ReadOnlySequence<byte> PayloadAsReadOnlySequence();
}
