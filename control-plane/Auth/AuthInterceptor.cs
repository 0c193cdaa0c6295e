using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace RemoteDev.ControlPlane.Auth;

/// <summary>
/// Authenticates `authorization: Bearer <id>.<secret>` on operator methods, enforces the method's scope and puts the
/// <see cref="Caller"/> into the call's UserState. Public methods and the agent link (agent token, checked by the
/// gateway) pass through.
/// </summary>
internal sealed class AuthInterceptor(ApiKeyAuthenticator authenticator, ILogger<AuthInterceptor> logger) : Interceptor
{
    private const string BearerPrefix = "Bearer ";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async Task AuthorizeAsync(ServerCallContext context)
    {
        var requirement = MethodScopes.For(context.Method);
        if (requirement.Access != MethodAccess.ApiKey)
        {
            return;
        }

        var token = BearerToken(context.RequestHeaders);
        if (token is null)
        {
            throw Deny(context, StatusCode.Unauthenticated, "Missing `authorization: Bearer <id>.<secret>` API key.");
        }

        var result = await authenticator.AuthenticateAsync(token, context.CancellationToken);
        var caller = result.Caller ?? throw Deny(context, StatusCode.Unauthenticated, result.Failure switch
        {
            AuthFailure.Expired => "API key expired.",
            AuthFailure.Revoked => "API key revoked.",
            _ => "Invalid API key.",
        });
        if (caller.Scope < requirement.Scope)
        {
            throw Deny(context, StatusCode.PermissionDenied, $"{context.Method} needs scope {requirement.Scope}; the key has {caller.Scope}.");
        }

        context.SetCaller(caller);
    }

    private RpcException Deny(ServerCallContext context, StatusCode code, string message)
    {
        AuthLog.Denied(logger, context.Method, context.Peer, code);
        return new RpcException(new Status(code, message));
    }

    private static string? BearerToken(Metadata headers)
    {
        var value = headers.GetValue("authorization");
        return value is not null && value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)
            ? value[BearerPrefix.Length..].Trim()
            : null;
    }
}
