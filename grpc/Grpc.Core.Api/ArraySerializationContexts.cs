using System.Buffers;

namespace Grpc.Core;

/// <summary>Adapts a contextual serializer to the whole-buffer <see cref="Marshaller{T}.Serializer"/>.</summary>
internal sealed class ArraySerializationContext : SerializationContext
{
    private ArrayBufferWriter<byte>? _writer;
    private byte[]? _result;

    public byte[] Result => _result ?? throw new InvalidOperationException("The serializer did not complete the message.");

    public override void Complete(byte[] payload) => _result = payload;

    public override void SetPayloadLength(int payloadLength) => _writer = new ArrayBufferWriter<byte>(Math.Max(payloadLength, 1));

    public override IBufferWriter<byte> GetBufferWriter() => _writer ??= new ArrayBufferWriter<byte>();

    public override void Complete() => _result = (_writer ?? throw new InvalidOperationException("Nothing was written.")).WrittenSpan.ToArray();
}

internal sealed class ArrayDeserializationContext(byte[] payload) : DeserializationContext
{
    public override int PayloadLength => payload.Length;

    public override byte[] PayloadAsNewBuffer() => (byte[])payload.Clone();

    public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(payload);
}
