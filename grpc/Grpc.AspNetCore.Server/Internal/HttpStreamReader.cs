using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The request stream of a client-streaming or duplex call.</summary>
internal sealed class HttpStreamReader<T>(HttpServerCallContext call, Func<DeserializationContext, T> deserializer) : IAsyncStreamReader<T>
    where T : class
{
    private T? _current;
    private int _reading;

    public T Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _reading, 1) == 1)
        {
            throw new InvalidOperationException("Can't read the next message because the previous read is in progress.");
        }

        using var linked = call.LinkWithCall(cancellationToken);
        try
        {
            _current = await call.Reader.ReadMessageAsync(deserializer, linked?.Token ?? call.CancellationToken);
            return _current is not null;
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }
}
