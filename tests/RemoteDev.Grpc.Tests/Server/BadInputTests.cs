using System.IO.Compression;
using System.Net.Sockets;
using System.Text;
using Google.Protobuf;
using RemoteDev.Grpc.Tests.Interop;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>Malformed or hostile input gets the status the spec asks for, and the server keeps serving.</summary>
public sealed class BadInputTests(BadInputServerFixture fixture) : IClassFixture<BadInputServerFixture>, IDisposable
{
    private const string UnaryPath = "/remotedev.interop.v1.Interop/Unary";
    private const string DuplexPath = "/remotedev.interop.v1.Interop/Duplex";

    private readonly HttpClient _client = RawGrpc.CreateClient(fixture.Server.BaseUri);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Truncated_message_is_INTERNAL()
    {
        var body = RawGrpc.Frame(0, 100, new byte[10]);

        var response = await RawGrpc.SendAsync(_client, RawGrpc.Request(UnaryPath, body));

        Assert.Equal("13: Incomplete message.", response.Outcome);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Length_prefix_over_the_receive_limit_is_RESOURCE_EXHAUSTED()
    {
        var body = RawGrpc.Frame(0, 5 * 1024 * 1024, new byte[16]);

        var response = await RawGrpc.SendAsync(_client, RawGrpc.Request(UnaryPath, body));

        Assert.Equal("8", response.GrpcStatus);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Invalid_compressed_flag_is_INTERNAL()
    {
        var body = RawGrpc.Frame(7, new EchoRequest { Text = "x" }.ToByteArray());

        var response = await RawGrpc.SendAsync(_client, RawGrpc.Request(UnaryPath, body));

        Assert.Equal("13: Invalid compressed flag 7 in message header.", response.Outcome);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Compressed_message_without_grpc_encoding_is_INTERNAL()
    {
        var body = RawGrpc.Frame(1, Gzip(new EchoRequest { Text = "x" }.ToByteArray()));

        var response = await RawGrpc.SendAsync(_client, RawGrpc.Request(UnaryPath, body));

        Assert.Equal("13", response.GrpcStatus);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Unparseable_message_is_INTERNAL()
    {
        var body = RawGrpc.Frame(0, [0xFF, 0xFF, 0xFF]);

        var response = await RawGrpc.SendAsync(_client, RawGrpc.Request(UnaryPath, body));

        Assert.Equal("13: Failed to deserialize the request message.", response.Outcome);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Unsupported_grpc_encoding_is_UNIMPLEMENTED_and_lists_the_supported_ones()
    {
        var request = RawGrpc.Request(UnaryPath, RawGrpc.Frame(new EchoRequest()));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "snappy");

        var response = await RawGrpc.SendAsync(_client, request);

        Assert.Equal("12", response.GrpcStatus);
        Assert.Equal(["identity,gzip"], response.Headers.GetValues("grpc-accept-encoding"));
    }

    [Fact]
    public async Task Wrong_content_type_is_HTTP_415()
    {
        var response = await RawGrpc.SendAsync(_client, RawGrpc.Request(UnaryPath, RawGrpc.Frame(new EchoRequest()), "application/json"));

        Assert.Equal(415, response.HttpStatus);
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData("/remotedev.interop.v1.Interop/NoSuchMethod", "12: Method is unimplemented.")]
    [InlineData("/no.such.Service/Method", "12: Service is unimplemented.")]
    public async Task Unknown_service_or_method_is_UNIMPLEMENTED(string path, string outcome)
    {
        var response = await RawGrpc.SendAsync(_client, RawGrpc.Request(path, RawGrpc.Frame(new EchoRequest())));

        Assert.Equal(outcome, response.Outcome);
    }

    [Fact]
    public async Task Error_before_any_message_is_a_trailers_only_response()
    {
        var response = await RawGrpc.SendAsync(_client, RawGrpc.Request(UnaryPath, RawGrpc.Frame(new EchoRequest { StatusCode = 5, StatusMessage = "gone" })));

        Assert.Equal(["5"], response.Headers.GetValues("grpc-status"));
        Assert.Equal(["application/grpc"], response.ContentHeaders.GetValues("Content-Type"));
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task Response_over_the_send_limit_is_RESOURCE_EXHAUSTED()
    {
        var request = new EchoRequest { ResponseCount = 1, ResponseSize = BadInputServerFixture.MaxSendMessageSize + 1 };

        var response = await RawGrpc.SendAsync(_client, RawGrpc.Request("/remotedev.interop.v1.Interop/ServerStream", RawGrpc.Frame(request)));

        Assert.Equal("8", response.GrpcStatus);
    }

    [Fact]
    public async Task Invalid_grpc_timeout_is_INTERNAL()
    {
        var request = RawGrpc.Request(UnaryPath, RawGrpc.Frame(new EchoRequest()));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "123456789S");

        var response = await RawGrpc.SendAsync(_client, request);

        Assert.Equal("13: Invalid grpc-timeout value '123456789S'.", response.Outcome);
    }

    [Theory]
    [InlineData("caf\u00e9")]
    [InlineData("a\tb")]
    public async Task Request_header_value_metadata_cannot_carry_is_left_out_and_the_call_succeeds(string value)
    {
        var request = RawGrpc.Request(UnaryPath, RawGrpc.Frame(new EchoRequest { EchoMetadata = { "x-foo", "x-ok" } }));
        request.Headers.TryAddWithoutValidation("x-foo", value);
        request.Headers.TryAddWithoutValidation("x-ok", "fine");

        var response = await RawGrpc.SendAsync(_client, request);

        Assert.Equal("0: ", response.Outcome);
        Assert.Equal(["fine"], response.TrailerValues("x-ok"));
        Assert.Empty(response.TrailerValues("x-foo"));
    }

    [Fact]
    public async Task Binary_request_header_that_is_not_base64_is_INTERNAL()
    {
        var request = RawGrpc.Request(UnaryPath, RawGrpc.Frame(new EchoRequest()));
        request.Headers.TryAddWithoutValidation("x-foo-bin", "!!not base64!!");

        var response = await RawGrpc.SendAsync(_client, request);

        Assert.Equal("13: Request header 'x-foo-bin' is not valid base64.", response.Outcome);
    }

    [Fact]
    public async Task Exception_from_a_handler_is_UNKNOWN_without_its_message_by_default()
    {
        var request = RawGrpc.Request(UnaryPath, RawGrpc.Frame(new EchoRequest()));
        request.Headers.TryAddWithoutValidation("x-throw", "Z");

        var response = await RawGrpc.SendAsync(_client, request);

        Assert.Equal("2: Exception was thrown by handler.", response.Outcome);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Http11_request_on_the_grpc_port_is_refused_by_closing_the_connection()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, fixture.Server.Port);
        var http11 = $"POST {UnaryPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/grpc\r\nContent-Length: 5\r\n\r\n\0\0\0\0\0";
        await socket.SendAsync(Encoding.ASCII.GetBytes(http11));

        await ReadUntilClosedAsync(socket).WaitAsync(RawGrpc.CallTimeout);

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Grpc_call_over_HTTP11_is_426_with_INTERNAL()
    {
        using var http1 = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Server.Http1Port}"), Timeout = RawGrpc.CallTimeout };
        var request = RawGrpc.Request(UnaryPath, RawGrpc.Frame(new EchoRequest()));
        request.Version = System.Net.HttpVersion.Version11;

        var response = await RawGrpc.SendAsync(http1, request);

        Assert.Equal(426, response.HttpStatus);
        Assert.Equal("13: Request protocol 'HTTP/1.1' is not supported.", response.Outcome);
    }

    [Fact]
    public async Task Client_vanishing_mid_stream_cancels_the_handler()
    {
        var callId = Guid.NewGuid().ToString();
        var socket = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(context.DnsEndPoint, token);
                socket.TrySetResult(s);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        using var vanishing = new HttpClient(handler) { BaseAddress = fixture.Server.BaseUri, Timeout = RawGrpc.CallTimeout };
        var body = new OpenRequestBody(RawGrpc.Frame(new EchoRequest { WaitForCancellation = true, CallId = callId, EchoMetadata = { "x-ready" } }));
        var request = RawGrpc.Request(DuplexPath, body);
        request.Headers.TryAddWithoutValidation("x-ready", "1");
        using var response = await vanishing.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        (await socket.Task).Close(timeout: 0);

        Assert.Equal(CallEnd.Cancelled, await fixture.Server.Observer.WaitForEndAsync(callId));
        body.Release();
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Responses_are_gzip_compressed_per_call_when_the_client_accepts_gzip()
    {
        var request = RawGrpc.Request(UnaryPath, RawGrpc.Frame(new EchoRequest { Payload = ByteString.CopyFrom(new byte[1000]) }));
        request.Headers.TryAddWithoutValidation("grpc-accept-encoding", "identity,gzip");
        request.Headers.TryAddWithoutValidation(InteropService.CompressResponseHeader, "gzip");

        var response = await RawGrpc.SendAsync(_client, request);

        Assert.Equal(["gzip"], response.Headers.GetValues("grpc-encoding"));
        Assert.Equal(1, response.Body[0]);
        Assert.Equal(1000, EchoReply.Parser.ParseFrom(Gunzip(response.Body[5..])).Payload.Length);
    }

    private async Task AssertStillServesAsync()
    {
        var response = await RawGrpc.SendAsync(_client, RawGrpc.Request(UnaryPath, RawGrpc.Frame(new EchoRequest { Text = "still here" })));
        Assert.Equal("0: ", response.Outcome);
        Assert.Equal("still here", EchoReply.Parser.ParseFrom(response.Body[5..]).Text);
    }

    private static async Task ReadUntilClosedAsync(Socket socket)
    {
        var buffer = new byte[4096];
        while (await socket.ReceiveAsync(buffer) > 0)
        {
        }
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
