using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using RemoteDev.Grpc.Tests.Client.Peers;
using RemoteDev.Grpc.Tests.Interop;
using InteropClient = RemoteDev.Grpc.Tests.Interop.Interop.InteropClient;

namespace RemoteDev.Grpc.Tests.Client;

/// <summary>What our client must do against every real gRPC server; one subclass per server implementation.</summary>
public abstract class ClientConformanceTests(IInteropServer server) : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);
    private const int ConcurrentStreams = 500;

    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(server.Address);

    private InteropClient Client => new(_channel);

    private static DateTime Deadline => DateTime.UtcNow + CallTimeout;

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task Unary_call_returns_the_echoed_payload()
    {
        var reply = await Client.UnaryAsync(new EchoRequest { Text = "hello", Payload = ByteString.CopyFromUtf8("payload") }, deadline: Deadline);

        Assert.Equal(("hello", "payload"), (reply.Text, reply.Payload.ToStringUtf8()));
    }

    [Fact]
    public void Blocking_unary_call_returns_the_reply()
    {
        var reply = Client.Unary(new EchoRequest { Text = "blocking" }, deadline: Deadline);

        Assert.Equal("blocking", reply.Text);
    }

    [Fact]
    public async Task Server_streaming_call_reads_every_reply_then_ends_with_OK()
    {
        using var call = Client.ServerStream(new EchoRequest { ResponseCount = 5, ResponseSize = 10 }, deadline: Deadline);

        var indexes = await call.ResponseStream.ReadAllAsync().Select(r => r.Index).ToListAsync();

        Assert.Equal([0, 1, 2, 3, 4], indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Client_streaming_call_delivers_every_request_before_the_half_close()
    {
        using var call = Client.ClientStream(deadline: Deadline);
        for (var i = 0; i < 10; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[100]) });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call;

        Assert.Equal((10, 1000L), (reply.Index, reply.ReceivedBytes));
    }

    [Fact]
    public async Task Duplex_call_exchanges_messages_in_turn()
    {
        using var call = Client.Duplex(deadline: Deadline);
        var texts = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = $"ping {i}" });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            texts.Add(call.ResponseStream.Current.Text);
        }

        await call.RequestStream.CompleteAsync();

        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(["ping 0", "ping 1", "ping 2", "ping 3", "ping 4"], texts);
    }

    [Fact]
    public async Task Expired_deadline_ends_the_call_with_DEADLINE_EXCEEDED()
    {
        var call = Client.UnaryAsync(new EchoRequest { DelayMs = 20_000 }, deadline: DateTime.UtcNow.AddMilliseconds(300));

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Call_answered_before_its_deadline_succeeds()
    {
        var reply = await Client.UnaryAsync(new EchoRequest { DelayMs = 50, Text = "in time" }, deadline: DateTime.UtcNow.AddSeconds(30));

        Assert.Equal("in time", reply.Text);
    }

    [Fact]
    public async Task Cancelling_the_token_cancels_the_call_on_the_server()
    {
        var callId = Guid.NewGuid().ToString("N");
        using var cts = new CancellationTokenSource();
        using var call = Client.UnaryAsync(WaitForCancellation(callId), SyncHeaders, Deadline, cts.Token);
        await call.ResponseHeadersAsync;

        await cts.CancelAsync();

        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync)).StatusCode);
        await server.WaitForCancelledAsync(callId);
    }

    [Fact]
    public async Task Disposing_a_call_cancels_it_on_the_server()
    {
        var callId = Guid.NewGuid().ToString("N");
        var call = Client.ServerStream(WaitForCancellation(callId), SyncHeaders, Deadline);
        await call.ResponseHeadersAsync;

        call.Dispose();

        await server.WaitForCancelledAsync(callId);
        Assert.Equal(StatusCode.Cancelled, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Error_status_with_a_non_ASCII_message_reaches_the_client()
    {
        const string message = "Prüfung fehlgeschlagen: 日本語 ✓ 100% done\t";
        var request = new EchoRequest { StatusCode = (int)StatusCode.FailedPrecondition, StatusMessage = message };

        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client.UnaryAsync(request, deadline: Deadline));

        Assert.Equal((StatusCode.FailedPrecondition, message), (error.StatusCode, error.Status.Detail));
    }

    [Fact]
    public async Task Server_ending_a_stream_with_an_error_after_replies_reaches_the_client()
    {
        using var call = Client.ServerStream(new EchoRequest { ResponseCount = 3, StatusCode = (int)StatusCode.Aborted, StatusMessage = "stop" }, deadline: Deadline);
        var received = 0;

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync())
            {
                received++;
            }
        });

        Assert.Equal((3, StatusCode.Aborted, "stop"), (received, error.StatusCode, error.Status.Detail));
    }

    [Fact]
    public async Task Server_ending_a_duplex_call_with_an_error_reaches_the_reader()
    {
        using var call = Client.Duplex(deadline: Deadline);
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "first" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        await call.RequestStream.WriteAsync(new EchoRequest { StatusCode = (int)StatusCode.ResourceExhausted, StatusMessage = "quota" });

        // A server may or may not answer the failing request before its status: read to the end.
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
            }
        });
        Assert.Equal((StatusCode.ResourceExhausted, "quota"), (error.StatusCode, error.Status.Detail));
    }

    [Fact]
    public async Task Custom_and_binary_metadata_round_trip_in_headers_and_trailers()
    {
        byte[] binary = [0, 1, 2, 0xFE, 0xFF, (byte)','];
        var headers = new Metadata { { "x-custom", "value 1" }, { "x-binary-bin", binary } };
        using var call = Client.UnaryAsync(new EchoRequest { EchoMetadata = { "x-custom", "x-binary-bin" } }, headers, Deadline);

        var responseHeaders = await call.ResponseHeadersAsync;
        await call;
        var trailers = call.GetTrailers();

        var expected = ("value 1", Convert.ToHexString(binary));
        Assert.Equal(expected, (responseHeaders.GetValue("x-custom"), Convert.ToHexString(responseHeaders.GetValueBytes("x-binary-bin")!)));
        Assert.Equal(expected, (trailers.GetValue("x-custom"), Convert.ToHexString(trailers.GetValueBytes("x-binary-bin")!)));
    }

    [Fact]
    public async Task Three_MiB_messages_travel_both_ways()
    {
        var payload = RandomBytes(3 * 1024 * 1024);

        var reply = await Client.UnaryAsync(new EchoRequest { Payload = payload }, deadline: Deadline);

        Assert.Equal(payload, reply.Payload);
    }

    [Fact]
    public async Task Gzip_compressed_requests_are_accepted()
    {
        var payload = ByteString.CopyFrom(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("compressible ", 100_000))));
        var headers = new Metadata { { "grpc-internal-encoding-request", "gzip" } };

        var reply = await Client.UnaryAsync(new EchoRequest { Payload = payload }, headers, Deadline);

        Assert.Equal(payload, reply.Payload);
    }

    [Fact]
    public async Task Five_hundred_concurrent_streams_share_one_connection()
    {
        var connector = new CountingConnector();
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpHandler = connector.CreateHandler(), DisposeHttpClient = true });
        var client = new InteropClient(channel);
        // Until the server's SETTINGS arrive, SocketsHttpHandler assumes 100 streams per connection.
        await client.UnaryAsync(new EchoRequest(), deadline: Deadline);
        var calls = Enumerable.Range(0, ConcurrentStreams).Select(_ => client.Duplex(deadline: Deadline)).ToList();

        var firstReplies = await Task.WhenAll(calls.Select((call, i) => ExchangeAsync(call, i)));
        await Task.WhenAll(calls.Select(call => call.RequestStream.CompleteAsync()));
        var ends = await Task.WhenAll(calls.Select(call => call.ResponseStream.MoveNext(CancellationToken.None)));

        Assert.Equal(Enumerable.Range(0, ConcurrentStreams).Select(i => $"call {i}"), firstReplies);
        Assert.All(ends, Assert.False);
        Assert.Equal(1, connector.Connections);
        calls.ForEach(call => call.Dispose());
    }

    [Fact]
    public async Task Response_over_the_receive_limit_fails_with_RESOURCE_EXHAUSTED()
    {
        using var call = Client.ServerStream(new EchoRequest { ResponseCount = 1, ResponseSize = 5 * 1024 * 1024 }, deadline: Deadline);

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    /// <summary>Echoed back so that every server sends its response headers once the handler runs.</summary>
    private static Metadata SyncHeaders => new() { { "x-sync", "1" } };

    private static EchoRequest WaitForCancellation(string callId) => new() { WaitForCancellation = true, CallId = callId, EchoMetadata = { "x-sync" } };

    private static async Task<string> ExchangeAsync(AsyncDuplexStreamingCall<EchoRequest, EchoReply> call, int index)
    {
        await call.RequestStream.WriteAsync(new EchoRequest { Text = $"call {index}" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return call.ResponseStream.Current.Text;
    }

    private static ByteString RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.Shared.NextBytes(bytes);
        return ByteString.CopyFrom(bytes);
    }
}
