using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>A gRPC call made by hand over HttpClient (HTTP/2 only), to send bytes no real client would.</summary>
internal static class RawGrpc
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Header values go out as UTF-8, as browsers and proxies may send them, so tests can send non-ASCII.</summary>
    public static HttpClient CreateClient(Uri baseUri) => new(new SocketsHttpHandler { EnableMultipleHttp2Connections = false, RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
    {
        BaseAddress = baseUri,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = CallTimeout,
    };

    /// <summary>A length-prefixed message: compressed flag, big-endian length, payload.</summary>
    public static byte[] Frame(IMessage message) => Frame(0, message.ToByteArray());

    public static byte[] Frame(byte flag, byte[] payload) => Frame(flag, (uint)payload.Length, payload);

    public static byte[] Frame(byte flag, uint declaredLength, byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), declaredLength);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static HttpRequestMessage Request(string path, byte[] body, string contentType = "application/grpc")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return Request(path, content);
    }

    public static HttpRequestMessage Request(string path, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    public static async Task<RawResponse> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        return new RawResponse((int)response.StatusCode, response.Headers, response.TrailingHeaders, response.Content.Headers, body);
    }
}

/// <summary>What came back: HTTP status, headers, body bytes and trailers.</summary>
internal sealed record RawResponse(int HttpStatus, HttpResponseHeaders Headers, HttpResponseHeaders Trailers, HttpContentHeaders ContentHeaders, byte[] Body)
{
    /// <summary>grpc-status from the trailers, or from the headers of a trailers-only response.</summary>
    public string? GrpcStatus => Value("grpc-status");

    public string? GrpcMessage => Value("grpc-message");

    /// <summary>"status: message", for readable assertions.</summary>
    public string Outcome => $"{GrpcStatus}: {Uri.UnescapeDataString(GrpcMessage ?? string.Empty)}";

    /// <summary>Values of a trailer, from the headers of a trailers-only response.</summary>
    public IReadOnlyList<string> TrailerValues(string name) =>
        Trailers.TryGetValues(name, out var values) ? values.ToList()
        : Headers.TryGetValues(name, out var fromHeaders) ? fromHeaders.ToList()
        : [];

    private string? Value(string name) =>
        Trailers.TryGetValues(name, out var fromTrailers) ? fromTrailers.Single()
        : Headers.TryGetValues(name, out var fromHeaders) ? fromHeaders.Single()
        : null;
}

/// <summary>A request body that sends its first bytes and then stays open until released or the request ends.</summary>
internal sealed class OpenRequestBody : HttpContent
{
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _first;

    public OpenRequestBody(byte[] first)
    {
        _first = first;
        Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
    }

    public void Release() => _released.TrySetResult();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_first, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        await _released.Task.WaitAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

/// <summary>Reads length-prefixed messages from a response body as they arrive.</summary>
internal static class RawMessageReader
{
    public static async IAsyncEnumerable<byte[]> ReadAllAsync(Stream body)
    {
        var header = new byte[5];
        while (await ReadHeaderAsync(body, header))
        {
            var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
            await body.ReadExactlyAsync(payload);
            yield return payload;
        }
    }

    private static async Task<bool> ReadHeaderAsync(Stream body, byte[] header) =>
        await body.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false) == header.Length;
}
