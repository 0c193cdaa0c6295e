namespace RemoteDev.V1;

/// <summary>
/// The chunk sizes of Files.Read and Files.Write and of the agent's ReadFile and WriteFile: standard gRPC clients
/// (grpcio, grpc-go, grpc-dotnet, grpcurl) refuse to receive messages over 4 MiB by default, so every answer carrying
/// file bytes stays well under that with its framing.
/// </summary>
public static class FileChunks
{
    /// <summary>A read without max_bytes: small files still come back in one answer.</summary>
    public const int DefaultReadBytes = 1024 * 1024;

    /// <summary>The most a read returns at once: 1 MiB of headroom under 4 MiB for the rest of the answer.</summary>
    public const int MaxReadBytes = 3 * 1024 * 1024;

    /// <summary>
    /// The most content one write carries: what a whole-file write took before chunked uploads, so such writes keep
    /// working. The control plane accepts messages this large plus <see cref="FramingBytes"/>.
    /// </summary>
    public const int MaxWriteBytes = 4 * 1024 * 1024;

    /// <summary>Room for a write's other fields around its content.</summary>
    public const int FramingBytes = 64 * 1024;
}
