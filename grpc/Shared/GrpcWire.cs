namespace Grpc.Shared;

/// <summary>
/// Header names, encodings and framing of gRPC over HTTP/2 (grpc/grpc doc/PROTOCOL-HTTP2.md), compiled into both the
/// server and the client.
/// </summary>
internal static class GrpcWire
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";

    /// <summary>Request metadata key that asks for compressed messages on this call; never sent on the wire.</summary>
    public const string InternalEncodingRequestHeader = "grpc-internal-encoding-request";
    public const string IdentityEncoding = "identity";
    public const string GzipEncoding = "gzip";

    /// <summary>Compressed flag (1 byte) and message length (4 bytes, big-endian) before every message.</summary>
    public const int MessageHeaderLength = 5;
}
