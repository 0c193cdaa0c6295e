using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>The response messages of a server-streaming or duplex call.</summary>
internal sealed class ResponseStreamReader<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call) : IAsyncStreamReader<TResponse>
    where TRequest : class
    where TResponse : class
{
    private TResponse? _current;

    public TResponse Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        _current = await call.ReadMessageAsync(cancellationToken).ConfigureAwait(false);
        return _current is not null;
    }
}
