using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// One method of a service: validates the HTTP request, runs the call shape (template method
/// <see cref="HandleCallCoreAsync"/>) and always ends the call with a status.
/// </summary>
internal abstract class ServerCallHandler<TService, TRequest, TResponse>(
    Method<TRequest, TResponse> method, CallHandlerSettings settings)
    where TService : class
    where TRequest : class
    where TResponse : class
{
    protected Method<TRequest, TResponse> Method { get; } = method;

    protected CallHandlerSettings Settings { get; } = settings;

    public async Task HandleCallAsync(HttpContext httpContext)
    {
        if (!Microsoft.AspNetCore.Http.HttpProtocol.IsHttp2(httpContext.Request.Protocol))
        {
            ServerLog.UnsupportedProtocol(Settings.Logger, Method.FullName, httpContext.Request.Protocol);
            Reject(httpContext, StatusCodes.Status426UpgradeRequired, $"Request protocol '{httpContext.Request.Protocol}' is not supported.");
            return;
        }

        if (!GrpcProtocol.IsGrpcContentType(httpContext.Request.ContentType))
        {
            ServerLog.UnsupportedContentType(Settings.Logger, Method.FullName, httpContext.Request.ContentType);
            Reject(httpContext, StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{httpContext.Request.ContentType}' is not supported.");
            return;
        }

        // Streams live as long as the call: no body size cap (messages are capped instead) and no minimum data rate.
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        if (Method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming)
        {
            httpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>()?.MinDataRate = null;
        }

        var call = new HttpServerCallContext(httpContext, Method.FullName, Settings);
        try
        {
            call.Start();
            await HandleCallCoreAsync(call);
            await call.EndAsync();
        }
        catch (Exception error)
        {
            await call.EndWithErrorAsync(error);
        }
        finally
        {
            await call.DisposeAsync();
        }
    }

    protected abstract Task HandleCallCoreAsync(HttpServerCallContext call);

    private static void Reject(HttpContext httpContext, int httpStatus, string detail) =>
        TrailersOnlyResponse.Write(httpContext.Response, httpStatus, new Status(StatusCode.Internal, detail), Metadata.Empty);
}
