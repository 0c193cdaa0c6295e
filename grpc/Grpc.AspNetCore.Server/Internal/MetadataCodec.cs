using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Converts between HTTP/2 header fields and <see cref="Metadata"/> ("-bin" values are base64).</summary>
internal static class MetadataCodec
{
    private static readonly HashSet<string> ReservedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "te", "host", "accept-encoding", "content-length",
        GrpcWire.TimeoutHeader, GrpcWire.EncodingHeader, GrpcWire.AcceptEncodingHeader,
    };

    public static Metadata FromRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            if (key.StartsWith(':') || ReservedRequestHeaders.Contains(key))
            {
                continue;
            }

            foreach (var value in values)
            {
                AddEntry(metadata, key, value ?? string.Empty);
            }
        }

        return metadata;
    }

    public static void AppendTo(IHeaderDictionary headers, Metadata metadata)
    {
        foreach (var entry in metadata)
        {
            var value = entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value;
            headers.Append(entry.Key, value);
        }
    }

    private static void AddEntry(Metadata metadata, string key, string value)
    {
        try
        {
            if (key.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase))
            {
                // A peer may join several binary values with commas.
                foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
                {
                    metadata.Add(key, DecodeBase64(part));
                }
            }
            else
            {
                metadata.Add(key, value);
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Request header '{key}' is not valid gRPC metadata."));
        }
    }

    /// <summary>Base64 with or without padding, as the spec requires receivers to accept both.</summary>
    private static byte[] DecodeBase64(string value)
    {
        var padding = (4 - (value.Length % 4)) % 4;
        return padding == 0 ? Convert.FromBase64String(value) : Convert.FromBase64String(value + new string('=', padding));
    }

}
