using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Writes the status (and trailers) of a call into the response headers of a response without messages.</summary>
internal static class TrailersOnlyResponse
{
    public static void Write(HttpResponse response, Status status) => Write(response, StatusCodes.Status200OK, status, Metadata.Empty);

    public static void Write(HttpResponse response, int httpStatus, Status status, Metadata trailers)
    {
        response.StatusCode = httpStatus;
        response.ContentType = GrpcWire.ContentType;
        var headers = response.Headers;
        headers[GrpcWire.StatusHeader] = GrpcProtocol.StatusString(status.StatusCode);
        if (!string.IsNullOrEmpty(status.Detail))
        {
            headers[GrpcWire.MessageHeader] = GrpcProtocol.PercentEncode(status.Detail);
        }

        MetadataCodec.AppendTo(headers, trailers);
    }
}
