using System.Buffers;
using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>Hands a received payload to a marshaller without copying it; reused for every message of a call.</summary>
internal sealed class PayloadContext : DeserializationContext
{
    private ReadOnlyMemory<byte> _payload;

    public override int PayloadLength => _payload.Length;

    public T Deserialize<T>(Marshaller<T> marshaller, ReadOnlyMemory<byte> payload)
    {
        _payload = payload;
        try
        {
            return marshaller.ContextualDeserializer(this);
        }
        finally
        {
            _payload = default;
        }
    }

    public override byte[] PayloadAsNewBuffer() => _payload.ToArray();

    public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(_payload);
}
