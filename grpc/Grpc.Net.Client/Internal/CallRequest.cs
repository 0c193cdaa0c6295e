using System.Net;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Grpc.Net.Client.Internal;

/// <summary>Builds the HTTP/2 request of a call: POST to the method path with the gRPC request headers.</summary>
internal static class CallRequest
{
    public static HttpRequestMessage Create(Uri uri, CallRequestOptions options)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = options.Content,
        };
        // The spec asks for the timeout right after the pseudo-headers and the call definition before custom metadata.
        var headers = request.Headers;
        if (options.Timeout is { } timeout)
        {
            headers.TryAddWithoutValidation(GrpcWire.TimeoutHeader, GrpcProtocol.EncodeTimeout(timeout));
        }

        headers.TryAddWithoutValidation("TE", "trailers");
        if (options.Compression is not null)
        {
            headers.TryAddWithoutValidation(GrpcWire.EncodingHeader, options.Compression.EncodingName);
        }

        headers.TryAddWithoutValidation(GrpcWire.AcceptEncodingHeader, options.AcceptEncoding);
        headers.TryAddWithoutValidation("User-Agent", GrpcProtocol.UserAgent);

        if (options.Metadata is not null)
        {
            MetadataConverter.AddRequestHeaders(headers, options.Metadata);
        }

        return request;
    }

    /// <summary>The encoding asked for by the grpc-internal-encoding-request metadata entry, or null for identity.</summary>
    public static ICompressionProvider? FindCompression(Metadata? metadata, CompressionProviderSet providers)
    {
        var name = metadata?.GetValue(GrpcWire.InternalEncodingRequestHeader);
        if (name is null || name == GrpcWire.IdentityEncoding)
        {
            return null;
        }

        return providers.Find(name)
            ?? throw new InvalidOperationException($"Could not find a compression provider for '{name}' among the channel's {nameof(GrpcChannelOptions.CompressionProviders)}.");
    }
}

/// <summary>What varies between the requests of calls.</summary>
internal readonly record struct CallRequestOptions(HttpContent Content, string AcceptEncoding, ICompressionProvider? Compression, TimeSpan? Timeout, Metadata? Metadata);
