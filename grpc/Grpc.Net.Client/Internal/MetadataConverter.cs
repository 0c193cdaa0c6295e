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
            if (entry.Key == GrpcWire.InternalEncodingRequestHeader)
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

    /// <summary>
    /// Response headers or trailers as metadata, without the fields the protocol itself uses. A field metadata cannot
    /// carry (a name outside [a-z0-9-_.], a value outside printable ASCII, "-bin" that is not base64) is left out: the
    /// spec forbids failing the call over a value that is valid HTTP and allows throwing it away.
    /// </summary>
    public static Metadata FromHeaders(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var header in headers.NonValidated)
        {
            var key = header.Key.ToLowerInvariant();
            if (key is GrpcWire.StatusHeader or GrpcWire.MessageHeader or "content-type" or "te" || !IsValidKey(key))
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
            if (IsPrintableAscii(value))
            {
                metadata.Add(new Metadata.Entry(key, value));
            }

            return;
        }

        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
        {
            if (TryDecodeBase64(part) is { } bytes)
            {
                metadata.Add(new Metadata.Entry(key, bytes));
            }
        }
    }

    /// <summary>The spec requires accepting padded and unpadded values.</summary>
    private static byte[]? TryDecodeBase64(string value)
    {
        var padded = (value.Length % 4) switch
        {
            2 => value + "==",
            3 => value + "=",
            _ => value,
        };
        var bytes = new byte[padded.Length / 4 * 3];
        return Convert.TryFromBase64String(padded, bytes, out var written) ? bytes[..written] : null;
    }

    private static bool IsValidKey(string key)
    {
        foreach (var c in key)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.'))
            {
                return false;
            }
        }

        return key.Length > 0;
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    public static int? ParseStatusCode(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
}
