using System.Globalization;
using System.Net.Http.Headers;
using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>Between <see cref="Metadata"/> and HTTP/2 header fields; "-bin" values travel base64-encoded.</summary>
internal static class MetadataConverter
{
    public static void AddRequestHeaders(HttpRequestHeaders headers, Metadata metadata)
    {
        foreach (var entry in metadata)
        {
            if (entry.Key == GrpcProtocol.InternalEncodingRequestHeader)
            {
                continue;
            }

            // The spec asks for unpadded base64.
            var value = entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes).TrimEnd('=') : entry.Value;
            if (!headers.TryAddWithoutValidation(entry.Key, value))
            {
                throw new RpcException(new Status(StatusCode.Internal, $"Request metadata key '{entry.Key}' is not a valid header name."));
            }
        }
    }

    /// <summary>Response headers or trailers as metadata, without the fields the protocol itself uses.</summary>
    public static Metadata FromHeaders(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var header in headers.NonValidated)
        {
            var key = header.Key.ToLowerInvariant();
            if (key is GrpcProtocol.StatusHeader or GrpcProtocol.MessageHeader or "content-type" or "te")
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                AddEntries(metadata, key, value);
            }
        }

        return metadata;
    }

    /// <summary>A binary header may carry several values joined by ',' (the spec asks to split before decoding).</summary>
    private static void AddEntries(Metadata metadata, string key, string value)
    {
        if (!key.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.Ordinal))
        {
            metadata.Add(new Metadata.Entry(key, value));
            return;
        }

        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            try
            {
                metadata.Add(new Metadata.Entry(key, DecodeBase64(part)));
            }
            catch (FormatException ex)
            {
                throw new RpcException(new Status(StatusCode.Internal, $"Response metadata '{key}' is not valid base64.", ex));
            }
        }
    }

    /// <summary>The spec requires accepting padded and unpadded values.</summary>
    private static byte[] DecodeBase64(string value)
    {
        var padding = (4 - (value.Length % 4)) % 4;
        return padding == 0 ? Convert.FromBase64String(value) : Convert.FromBase64String(value + new string('=', padding));
    }

    public static int? ParseStatusCode(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
}
