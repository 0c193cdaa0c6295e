using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace RemoteDev.ControlPlane.Auth;

/// <summary>
/// Authenticates `authorization: Bearer <id>.<secret>` on operator methods, enforces the method's scope and puts the
/// <see cref="Caller"/> into the call's UserState. Public methods and the agent link (agent token, checked by the
/// gateway) pass through. A streaming call ends UNAUTHENTICATED when its key is revoked or expires while it is open.
/// </summary>
internal sealed class AuthInterceptor(ApiKeyAuthenticator authenticator, KeyRevocations revocations, TimeProvider time, ILogger<AuthInterceptor> logger) : Interceptor
{
    private const string BearerPrefix = "Bearer ";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AuthorizeAsync(context);
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var response = default(TResponse)!;
        await WhileKeyValidAsync(await AuthorizeAsync(context), context, async scoped => response = await continuation(requestStream, scoped));
        return response;
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await WhileKeyValidAsync(await AuthorizeAsync(context), context, scoped => continuation(request, responseStream, scoped));
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await WhileKeyValidAsync(await AuthorizeAsync(context), context, scoped => continuation(requestStream, responseStream, scoped));
    }

    /// <summary>Runs a streaming call, cancelled (and ended UNAUTHENTICATED) once its key is revoked or expires.</summary>
    private async Task WhileKeyValidAsync(Caller? caller, ServerCallContext context, Func<ServerCallContext, Task> call)
    {
        if (caller is null)
        {
            await call(context);
            return;
        }

        var revoked = revocations.For(caller.KeyId);
        using var expired = caller.ExpiresAt is { } expiresAt
            ? new CancellationTokenSource(Max(expiresAt - time.GetUtcNow(), TimeSpan.Zero), time)
            : new CancellationTokenSource();
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, revoked, expired.Token);
        try
        {
            await call(new KeyScopedCallContext(context, lifetime.Token));
        }
        catch (Exception) when (!context.CancellationToken.IsCancellationRequested && (revoked.IsCancellationRequested || expired.IsCancellationRequested))
        {
            throw Deny(context, StatusCode.Unauthenticated, revoked.IsCancellationRequested ? "API key revoked during the call." : "API key expired during the call.");
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The authenticated caller; null for methods that need no API key.</summary>
    private async Task<Caller?> AuthorizeAsync(ServerCallContext context)
    {
        var requirement = MethodScopes.For(context.Method);
        if (requirement.Access != MethodAccess.ApiKey)
        {
            return null;
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
        return caller;
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
