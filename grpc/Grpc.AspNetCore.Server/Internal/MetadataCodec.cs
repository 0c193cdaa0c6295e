using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Converts between HTTP/2 header fields and <see cref="Metadata"/> ("-bin" values are base64).</summary>
internal static class MetadataCodec
{
    private static readonly HashSet<string> ReservedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "te", "host", "accept-encoding", "content-length",
        GrpcWire.TimeoutHeader, GrpcWire.EncodingHeader, GrpcWire.AcceptEncodingHeader,
    };

    /// <summary>
    /// The request's custom metadata. A field gRPC metadata cannot carry (a value outside printable ASCII such as a tab
    /// or "café", a name outside [a-z0-9-_.]) is left out: PROTOCOL-HTTP2.md forbids failing a call over a value that
    /// is valid HTTP, and proxies and browsers add such headers. A "-bin" value that is not base64 fails the call
    /// (INTERNAL), as grpc-go does.
    /// </summary>
    public static Metadata FromRequestHeaders(IHeaderDictionary headers, ILogger logger, string method)
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
                try
                {
                    AddEntries(metadata, key, value ?? string.Empty);
                }
                catch (ArgumentException)
                {
                    ServerLog.RequestHeaderLeftOut(logger, method, key);
                }
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

    /// <summary>Throws <see cref="ArgumentException"/> when <see cref="Metadata.Entry"/> cannot carry the field.</summary>
    private static void AddEntries(Metadata metadata, string key, string value)
    {
        if (!key.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase))
        {
            metadata.Add(new Metadata.Entry(key, value));
            return;
        }

        // A peer may join several binary values with commas.
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            metadata.Add(new Metadata.Entry(key, DecodeBase64(key, part)));
        }
    }

    /// <summary>Base64 with or without padding, as the spec requires receivers to accept both.</summary>
    private static byte[] DecodeBase64(string key, string value)
    {
        var padding = (4 - (value.Length % 4)) % 4;
        try
        {
            return Convert.FromBase64String(padding == 0 ? value : value + new string('=', padding));
        }
        catch (FormatException)
        {
            throw new RpcException(new Status(StatusCode.Internal, $"Request header '{key}' is not valid base64."));
        }
    }
}
