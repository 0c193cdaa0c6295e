using System.IO.Compression;

// Namespace as in grpc-dotnet (Grpc.Net.Common) so code written against it compiles unchanged; it lives here because
// both the client and the server use it.
namespace Grpc.Net.Compression;

/// <summary>A message compression algorithm, named on the wire by <see cref="EncodingName"/> (grpc-encoding).</summary>
public interface ICompressionProvider
{
    string EncodingName { get; }

    Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel);

    Stream CreateDecompressionStream(Stream stream);
}
