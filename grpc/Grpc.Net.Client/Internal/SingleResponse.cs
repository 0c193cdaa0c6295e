namespace Grpc.Net.Client.Internal;

/// <summary>The one response message of a unary or client-streaming call.</summary>
internal static class SingleResponse
{
    public static async Task<TResponse> ReadAsync<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call)
        where TRequest : class
        where TResponse : class
    {
        var message = await call.ReadMessageAsync(CancellationToken.None).ConfigureAwait(false);
        if (message is null)
        {
            throw call.ProtocolViolation("Failed to deserialize response message: the response has no message.");
        }

        if (await call.ReadMessageAsync(CancellationToken.None).ConfigureAwait(false) is not null)
        {
            throw call.ProtocolViolation("The response has more than one message.");
        }

        return message;
    }
}
