using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>Reads a call's outcome from response headers, trailers or a transport failure.</summary>
internal static class ResponseStatus
{
    private const int MaxStatusCode = (int)StatusCode.Unauthenticated;

    /// <summary>
    /// How SocketsHttpHandler words a RST_STREAM (resource net_http_http2_stream_error; its messages are not localized).
    /// A GOAWAY or a connection error carries the same exception type, error code property and HttpRequestError, so
    /// this text is the only public mark of a stream reset; ClientTransportTests fail if a runtime update changes it.
    /// </summary>
    private const string StreamResetMessage = "The HTTP/2 server reset the stream.";

    /// <summary>grpc-status and grpc-message of <paramref name="headers"/>, if they carry a status.</summary>
    public static Status? Find(HttpHeaders headers)
    {
        if (!headers.NonValidated.TryGetValues(GrpcWire.StatusHeader, out var statusValues))
        {
            return null;
        }

        var detail = headers.NonValidated.TryGetValues(GrpcWire.MessageHeader, out var messageValues)
            ? GrpcProtocol.DecodeMessage(messageValues.ToString())
            : string.Empty;
        return MetadataConverter.ParseStatusCode(statusValues.ToString()) switch
        {
            { } code and >= 0 and <= MaxStatusCode => new Status((StatusCode)code, detail),
            { } => new Status(StatusCode.Unknown, detail),
            null => new Status(StatusCode.Internal, $"Invalid grpc-status value '{statusValues}'."),
        };
    }

    /// <summary>Why response headers end the call before any message, or null when messages follow.</summary>
    public static Status? FromResponseHeaders(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return GrpcProtocol.StatusFromHttp(response.StatusCode);
        }

        if (Find(response.Headers) is { } trailersOnly)
        {
            return trailersOnly;
        }

        var contentType = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? values.ToString() : string.Empty;
        return IsGrpcContentType(contentType)
            ? null
            : new Status(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: {contentType}");
    }

    public static Status FromTrailers(HttpResponseMessage response) =>
        Find(response.TrailingHeaders) ?? new Status(StatusCode.Internal, "No grpc-status found on response.");

    /// <summary>The status of a failed send or read that the call itself did not cause.</summary>
    public static Status FromException(Exception exception, string operation)
    {
        if (exception is RpcException rpc)
        {
            return rpc.Status;
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpProtocolException protocol)
            {
                return new Status(StatusOf(protocol), $"{operation} {protocol.GetType().Name}: {protocol.Message}", exception);
            }
        }

        var code = exception switch
        {
            HttpRequestException or IOException => StatusCode.Unavailable,
            OperationCanceledException => StatusCode.Cancelled,
            _ => StatusCode.Internal,
        };
        return new Status(code, $"{operation} {exception.GetType().Name}: {exception.Message}", exception);
    }

    /// <summary>
    /// A stream the server reset maps by its RST_STREAM error code (PROTOCOL-HTTP2.md, "Errors"); the end of the whole
    /// connection (GOAWAY, a keepalive PING left unanswered, a peer that does not speak HTTP/2) is UNAVAILABLE for every
    /// call on it ("Connection Management"), so callers retry.
    /// </summary>
    private static StatusCode StatusOf(HttpProtocolException protocol) =>
        protocol.Message.StartsWith(StreamResetMessage, StringComparison.Ordinal)
            ? GrpcProtocol.StatusFromHttp2Error(protocol.ErrorCode)
            : StatusCode.Unavailable;

    private static bool IsGrpcContentType(string contentType) =>
        contentType.StartsWith(GrpcWire.ContentType, StringComparison.OrdinalIgnoreCase)
        && (contentType.Length == GrpcWire.ContentType.Length || contentType[GrpcWire.ContentType.Length] is '+' or ';');
}
