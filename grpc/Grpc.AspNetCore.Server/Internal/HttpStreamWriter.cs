using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The response stream of a server-streaming or duplex call; every write is flushed unless BufferHint is set.</summary>
internal sealed class HttpStreamWriter<T>(HttpServerCallContext call, Action<T, SerializationContext> serializer) : IServerStreamWriter<T>
    where T : class
{
    public WriteOptions? WriteOptions { get; set; }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return call.WriteMessageAsync(message, serializer, WriteOptions ?? call.WriteOptions, bufferable: true, cancellationToken);
    }
}
