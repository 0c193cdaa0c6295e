using Grpc.AspNetCore.Server.Internal;
using Microsoft.AspNetCore.Http;

namespace Grpc.Core;

public static class ServerCallContextExtensions
{
    /// <summary>The ASP.NET Core request behind a call handled by this server.</summary>
    public static HttpContext GetHttpContext(this ServerCallContext serverCallContext)
    {
        ArgumentNullException.ThrowIfNull(serverCallContext);
        return serverCallContext is HttpServerCallContext httpContext
            ? httpContext.HttpContext
            : throw new InvalidOperationException($"Could not get HttpContext from ServerCallContext of type {serverCallContext.GetType()}.");
    }
}
