using System.Buffers;
using System.IO.Compression;
using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>gzip message compression (grpc-encoding: gzip) with the receive limit applied while inflating.</summary>
internal static class GzipCodec
{
    private const int InflateChunk = 16 * 1024;

    public static ReadOnlySequence<byte> Decompress(ReadOnlySequence<byte> compressed, int? maxMessageSize)
    {
        var limit = maxMessageSize ?? int.MaxValue;
        var output = new ArrayBufferWriter<byte>(InflateChunk);
        try
        {
            using var input = new MemoryStream(compressed.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            int read;
            while ((read = gzip.Read(output.GetSpan(InflateChunk))) > 0)
            {
                output.Advance(read);
                if (output.WrittenCount > limit)
                {
                    throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Received message exceeds the maximum configured message size after decompression ({limit} bytes)."));
                }
            }
        }
        catch (InvalidDataException error)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to decompress the request message (gzip).", error));
        }

        return new ReadOnlySequence<byte>(output.WrittenMemory);
    }

    public static void Compress(ReadOnlySpan<byte> payload, CompressionLevel level, MemoryStream destination)
    {
        destination.SetLength(0);
        using var gzip = new GZipStream(destination, level, leaveOpen: true);
        gzip.Write(payload);
    }
}
