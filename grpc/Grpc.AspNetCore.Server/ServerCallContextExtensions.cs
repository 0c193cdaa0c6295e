using Grpc.AspNetCore.Server.Internal;
using Microsoft.AspNetCore.Http;

namespace Grpc.Core;

public static class ServerCallContextExtensions
{
    /// <summary>The UserState key under which a call's own context carries its request, for contexts that wrap it.</summary>
    internal const string HttpContextKey = "__HttpContext";

    /// <summary>
    /// The ASP.NET Core request behind a call handled by this server; also through a context an interceptor wrapped
    /// around it (found in the shared UserState).
    /// </summary>
    public static HttpContext GetHttpContext(this ServerCallContext serverCallContext)
    {
        ArgumentNullException.ThrowIfNull(serverCallContext);
        return serverCallContext switch
        {
            HttpServerCallContext own => own.HttpContext,
            _ when serverCallContext.UserState.TryGetValue(HttpContextKey, out var value) && value is HttpContext http => http,
            _ => throw new InvalidOperationException($"Could not get HttpContext from ServerCallContext of type {serverCallContext.GetType()}."),
        };
    }
}
