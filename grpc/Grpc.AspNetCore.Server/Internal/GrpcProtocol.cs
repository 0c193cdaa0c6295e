using System.Text;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Wire constants and small codecs of gRPC over HTTP/2 (grpc/grpc doc/PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string SupportedEncodings = GrpcWire.IdentityEncoding + "," + GrpcWire.GzipEncoding;

    private static readonly string[] StatusStrings = Enumerable.Range(0, 17).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>"application/grpc" alone or followed by "+proto", "+json", ";charset=..." and the like.</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(GrpcWire.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return contentType.Length == GrpcWire.ContentType.Length || contentType[GrpcWire.ContentType.Length] is '+' or ';';
    }

    public static bool IsSupportedEncoding(string encoding) =>
        encoding is GrpcWire.IdentityEncoding or GrpcWire.GzipEncoding;

    public static string StatusString(Grpc.Core.StatusCode code)
    {
        var value = (int)code;
        return value >= 0 && value < StatusStrings.Length ? StatusStrings[value] : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Percent-encodes the UTF-8 bytes of a status message outside printable ASCII, and '%'.</summary>
    public static string PercentEncode(string message)
    {
        if (message.All(c => c is >= ' ' and <= '~' and not '%'))
        {
            return message;
        }

        var bytes = Encoding.UTF8.GetBytes(message);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
