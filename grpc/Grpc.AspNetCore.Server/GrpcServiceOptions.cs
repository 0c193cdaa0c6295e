using System.IO.Compression;

namespace Grpc.AspNetCore.Server;

/// <summary>Options of the gRPC services hosted by <c>AddGrpc</c>.</summary>
public class GrpcServiceOptions
{
    /// <summary>The default receive limit: 4 MiB, as in every gRPC implementation.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>Largest message the server sends; null means no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Largest message (after decompression) the server accepts; null means no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = DefaultMaxReceiveMessageSize;

    /// <summary>Whether the message of an exception thrown by a handler is sent to the client.</summary>
    public bool? EnableDetailedErrors { get; set; }

    /// <summary>Compression of responses ("gzip"), used when the client accepts it; null sends them uncompressed.</summary>
    public string? ResponseCompressionAlgorithm { get; set; }

    public CompressionLevel? ResponseCompressionLevel { get; set; }

    /// <summary>Server interceptors, run in the order added (the first is the outermost).</summary>
    public InterceptorCollection Interceptors { get; } = new();

    /// <summary>When true, calls to unknown services fall through to the rest of the pipeline instead of UNIMPLEMENTED.</summary>
    public bool IgnoreUnknownServices { get; set; }
}
