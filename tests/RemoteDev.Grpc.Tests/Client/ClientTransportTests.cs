using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using RemoteDev.Grpc.Tests.Interop;
using InteropClient = RemoteDev.Grpc.Tests.Interop.Interop.InteropClient;

namespace RemoteDev.Grpc.Tests.Client;

/// <summary>How our client behaves towards failing or non-gRPC servers, and what its requests carry on the wire.</summary>
public sealed class ClientTransportTests(RawHttp2Server raw) : IClassFixture<RawHttp2Server>
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Keepalive ping delay and timeout of the dead-server test: the call fails after about two of these.</summary>
    private static readonly TimeSpan KeepAlivePing = TimeSpan.FromSeconds(1);

    private static DateTime Deadline => DateTime.UtcNow + CallTimeout;

    [Fact]
    public async Task Server_that_is_down_gives_UNAVAILABLE()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new InteropClient(channel).UnaryAsync(new EchoRequest(), deadline: Deadline));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Server_that_stops_answering_keepalive_pings_gives_UNAVAILABLE()
    {
        await using var server = ScriptedHttp2Server.Start(Http2Script.Silent);
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { KeepAlivePingDelay = KeepAlivePing, KeepAlivePingTimeout = KeepAlivePing },
        });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new InteropClient(channel).UnaryAsync(new EchoRequest(), deadline: Deadline));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("ping", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_that_answers_the_HTTP2_preface_in_HTTP11_gives_UNAVAILABLE()
    {
        await using var server = ScriptedHttp2Server.Start(Http2Script.Http11Response);
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new InteropClient(channel).UnaryAsync(new EchoRequest(), deadline: Deadline));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Server_that_requires_HTTP11_gives_UNAVAILABLE()
    {
        await using var server = ScriptedHttp2Server.Start(Http2Script.Http11Required);
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new InteropClient(channel).UnaryAsync(new EchoRequest(), deadline: Deadline));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("HTTP_1_1_REQUIRED", error.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x0u)] // NO_ERROR
    [InlineData(0x1u)] // PROTOCOL_ERROR
    [InlineData(0x2u)] // INTERNAL_ERROR
    [InlineData(0xbu)] // ENHANCE_YOUR_CALM
    public async Task GOAWAY_before_the_call_was_processed_gives_UNAVAILABLE_whatever_its_error_code(uint errorCode)
    {
        await using var server = ScriptedHttp2Server.Start(Http2Script.GoAway(errorCode));
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new InteropClient(channel).UnaryAsync(new EchoRequest(), deadline: Deadline));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Theory]
    [InlineData(0x2u, StatusCode.Internal)] // INTERNAL_ERROR
    [InlineData(0x1u, StatusCode.Internal)] // PROTOCOL_ERROR
    [InlineData(0x7u, StatusCode.Unavailable)] // REFUSED_STREAM
    [InlineData(0x8u, StatusCode.Cancelled)] // CANCEL
    [InlineData(0xbu, StatusCode.ResourceExhausted)] // ENHANCE_YOUR_CALM
    [InlineData(0xcu, StatusCode.PermissionDenied)] // INADEQUATE_SECURITY
    public async Task RST_STREAM_maps_by_the_error_code_table_of_the_spec(uint errorCode, StatusCode expected)
    {
        await using var server = ScriptedHttp2Server.Start(Http2Script.ResetStream(errorCode));
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new InteropClient(channel).UnaryAsync(new EchoRequest(), deadline: Deadline));

        Assert.Equal(expected, error.StatusCode);
    }

    [Fact]
    public async Task Deadline_is_enforced_locally_when_the_server_never_answers()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
        var call = new InteropClient(channel).UnaryAsync(new EchoRequest(), deadline: DateTime.UtcNow.AddMilliseconds(500));
        using var silent = await listener.AcceptSocketAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Theory]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(415, StatusCode.Unknown)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(401, StatusCode.Unauthenticated)]
    public async Task Http_status_without_grpc_status_maps_to_the_specified_code(int httpStatus, StatusCode expected)
    {
        using var channel = GrpcChannel.ForAddress(raw.Address);
        var method = RawMethod("status", httpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await channel.CreateCallInvoker().AsyncUnaryCall(method, null, new CallOptions(deadline: Deadline), new EchoRequest()));

        Assert.Equal(expected, error.StatusCode);
    }

    [Fact]
    public async Task Unary_response_ending_OK_without_a_message_is_INTERNAL()
    {
        using var channel = GrpcChannel.ForAddress(raw.Address);
        using var call = channel.CreateCallInvoker().AsyncUnaryCall(RawMethod("empty", "Unary"), null, new CallOptions(deadline: Deadline), new EchoRequest());

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal((StatusCode.Internal, StatusCode.Internal), (error.StatusCode, call.GetStatus().StatusCode));
    }

    [Fact]
    public async Task Response_metadata_that_metadata_cannot_carry_is_left_out_without_failing_the_call()
    {
        using var channel = GrpcChannel.ForAddress(raw.Address);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await channel.CreateCallInvoker().AsyncUnaryCall(RawMethod("odd", "Unary"), null, new CallOptions(deadline: Deadline), new EchoRequest()));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal(["x-ok"], error.Trailers.Select(e => e.Key).Where(k => k.StartsWith("x-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Response_message_the_marshaller_rejects_is_INTERNAL()
    {
        using var channel = GrpcChannel.ForAddress(raw.Address);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await channel.CreateCallInvoker().AsyncUnaryCall(RawMethod("garbage", "Unary"), null, new CallOptions(deadline: Deadline), new EchoRequest()));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    [Theory]
    [InlineData("caf%C3%A9 %E2%9C%93", "café ✓")]
    [InlineData("100%25 done", "100% done")]
    [InlineData("broken %E2%9C and 50%", "broken \uFFFD and 50%")]
    public async Task Grpc_message_is_percent_decoded_and_malformed_parts_are_kept(string wire, string expected)
    {
        using var channel = GrpcChannel.ForAddress(raw.Address);
        var headers = new Metadata { { "x-message", wire } };

        var error = await Assert.ThrowsAsync<RpcException>(async () => await channel.CreateCallInvoker().AsyncUnaryCall(RawMethod("message", "Unary"), null, new CallOptions(headers, Deadline), new EchoRequest()));

        Assert.Equal(System.Text.RegularExpressions.Regex.Unescape(expected), error.Status.Detail);
    }

    [Fact]
    public async Task Request_carries_the_call_definition_headers_of_the_spec()
    {
        using var channel = GrpcChannel.ForAddress(raw.Address);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new InteropClient(channel).UnaryAsync(new EchoRequest(), deadline: DateTime.UtcNow.AddSeconds(30)));

        var headers = raw.Recorded("/remotedev.interop.v1.Interop/Unary").Headers;
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Equal(("trailers", "application/grpc", "identity,gzip"), (headers["te"], headers["content-type"], headers["grpc-accept-encoding"]));
        Assert.Matches("^[0-9]{1,8}[HMSmun]$", headers["grpc-timeout"]);
        Assert.StartsWith("grpc-dotnet/", headers["user-agent"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compression_requested_in_metadata_sends_gzip_frames()
    {
        using var channel = GrpcChannel.ForAddress(raw.Address);
        var headers = new Metadata { { "grpc-internal-encoding-request", "gzip" } };

        await Assert.ThrowsAsync<RpcException>(async () => await new InteropClient(channel).ServerStream(new EchoRequest { Text = "zip" }, headers, Deadline).ResponseStream.MoveNext(CancellationToken.None));

        var recorded = raw.Recorded("/remotedev.interop.v1.Interop/ServerStream");
        Assert.Equal(("gzip", (byte?)1), (recorded.Headers["grpc-encoding"], recorded.FirstBodyByte));
        Assert.False(recorded.Headers.ContainsKey("grpc-internal-encoding-request"));
    }

    [Fact]
    public async Task Message_over_the_send_limit_fails_with_RESOURCE_EXHAUSTED()
    {
        using var channel = GrpcChannel.ForAddress(raw.Address, new GrpcChannelOptions { MaxSendMessageSize = 10 });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new InteropClient(channel).UnaryAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[100]) }, deadline: Deadline));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    /// <summary>A unary method at "/{route}/{name}" of <see cref="RawHttp2Server"/>.</summary>
    private static Method<EchoRequest, EchoReply> RawMethod(string route, string name) =>
        new(MethodType.Unary, route, name, Marshallers.Create<EchoRequest>(r => r.ToByteArray(), EchoRequest.Parser.ParseFrom), Marshallers.Create<EchoReply>(r => r.ToByteArray(), EchoReply.Parser.ParseFrom));
}
