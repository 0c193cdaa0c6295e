using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Grpc.Core;

namespace Grpc.Net.Client.Internal;

/// <summary>Wire names and mappings of gRPC over HTTP/2 (grpc/grpc doc/PROTOCOL-HTTP2.md, doc/statuscodes.md).</summary>
internal static class GrpcProtocol
{
    /// <summary>The largest TimeoutValue the spec allows: at most 8 digits.</summary>
    private const long MaxTimeoutValue = 99_999_999;

    public static readonly string UserAgent = string.Create(
        CultureInfo.InvariantCulture,
        $"grpc-dotnet/2.71.0 (.NET {Environment.Version}; CLR {Environment.Version}; net{Environment.Version.Major}.{Environment.Version.Minor}; {OperatingSystemName()}; {RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()})");

    /// <summary>grpc-timeout: the smallest unit whose value fits in 8 digits, rounded up so the server never sees less.</summary>
    public static string EncodeTimeout(TimeSpan timeout)
    {
        var ticks = Math.Max(timeout.Ticks, 1);
        ReadOnlySpan<(long TicksPerUnit, char Unit)> units =
        [
            (TimeSpan.TicksPerMillisecond / 1000, 'u'),
            (TimeSpan.TicksPerMillisecond, 'm'),
            (TimeSpan.TicksPerSecond, 'S'),
            (TimeSpan.TicksPerMinute, 'M'),
            (TimeSpan.TicksPerHour, 'H'),
        ];
        foreach (var (ticksPerUnit, unit) in units)
        {
            var value = (ticks + ticksPerUnit - 1) / ticksPerUnit;
            if (value <= MaxTimeoutValue)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{value}{unit}");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{MaxTimeoutValue}H");
    }

    /// <summary>The status of a response whose HTTP status is not 200 (doc/http-grpc-status-mapping.md).</summary>
    public static Status StatusFromHttp(HttpStatusCode httpStatus)
    {
        var code = httpStatus switch
        {
            HttpStatusCode.BadRequest => StatusCode.Internal,
            HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
            HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
            HttpStatusCode.NotFound => StatusCode.Unimplemented,
            HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
            _ => StatusCode.Unknown,
        };
        return new Status(code, string.Create(CultureInfo.InvariantCulture, $"Bad gRPC response. HTTP status code: {(int)httpStatus}"));
    }

    /// <summary>The status of a stream reset by the peer, by HTTP/2 error code (PROTOCOL-HTTP2.md, Errors).</summary>
    public static StatusCode StatusFromHttp2Error(long errorCode) => errorCode switch
    {
        0x7 => StatusCode.Unavailable, // REFUSED_STREAM: not processed, safe to retry
        0x8 => StatusCode.Cancelled, // CANCEL
        0xb => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xc => StatusCode.PermissionDenied, // INADEQUATE_SECURITY
        _ => StatusCode.Internal,
    };

    /// <summary>Decodes the percent-encoded UTF-8 of grpc-message; a malformed value is returned as received.</summary>
    public static string DecodeMessage(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = value.Length <= 1024 ? stackalloc byte[value.Length] : new byte[value.Length];
        var count = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                bytes[count++] = b;
                i += 2;
            }
            else if (c > 0x7F)
            {
                return value;
            }
            else
            {
                bytes[count++] = (byte)c;
            }
        }

        return System.Text.Encoding.UTF8.GetString(bytes[..count]);
    }

    private static string OperatingSystemName() =>
        OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "osx" : "unknown";
}
