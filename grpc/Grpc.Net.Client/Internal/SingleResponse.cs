using Grpc.Core;

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
            throw Protocol(call, "Failed to deserialize response message: the response has no message.");
        }

        if (await call.ReadMessageAsync(CancellationToken.None).ConfigureAwait(false) is not null)
        {
            throw Protocol(call, "The response has more than one message.");
        }

        return message;
    }

    private static Exception Protocol<TRequest, TResponse>(GrpcCall<TRequest, TResponse> call, string detail)
        where TRequest : class
        where TResponse : class
    {
        call.Finish(new Status(StatusCode.Internal, detail), Metadata.Empty);
        return call.CreateException();
    }
}
