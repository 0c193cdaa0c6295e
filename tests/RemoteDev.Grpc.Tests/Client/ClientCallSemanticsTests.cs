using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using RemoteDev.Grpc.Tests.Client.Peers;
using RemoteDev.Grpc.Tests.Interop;
using InteropClient = RemoteDev.Grpc.Tests.Interop.Interop.InteropClient;

namespace RemoteDev.Grpc.Tests.Client;

/// <summary>The CallInvoker contract of our client (grpc-dotnet semantics), shown against our server.</summary>
public sealed class ClientCallSemanticsTests(OurServerFixture server) : IClassFixture<OurServerFixture>, IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Larger than what the server's HTTP/2 window and request buffer take while its handler does not read.</summary>
    private const int UnreadableMessageSize = 3 * 1024 * 1024;

    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(server.Address);

    private InteropClient Client => new(_channel);

    private static DateTime Deadline => DateTime.UtcNow + CallTimeout;

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task A_second_write_while_one_is_pending_is_rejected()
    {
        using var call = Client.Duplex(deadline: Deadline);
        await call.RequestStream.WriteAsync(new EchoRequest { WaitForCancellation = true, CallId = Guid.NewGuid().ToString("N") });
        var pending = call.RequestStream.WriteAsync(new EchoRequest { Payload = ByteString.CopyFrom(new byte[UnreadableMessageSize]) });

        await Assert.ThrowsAsync<InvalidOperationException>(() => call.RequestStream.WriteAsync(new EchoRequest()));
        Assert.False(pending.IsCompleted);
    }

    [Fact]
    public async Task Writing_after_the_half_close_is_rejected()
    {
        using var call = Client.ClientStream(deadline: Deadline);
        await call.RequestStream.CompleteAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => call.RequestStream.WriteAsync(new EchoRequest()));
        Assert.Equal(0, (await call).Index);
    }

    [Fact]
    public void Status_and_trailers_of_a_running_call_are_not_available()
    {
        using var call = Client.Duplex(deadline: Deadline);

        Assert.Throws<InvalidOperationException>(() => call.GetStatus());
        Assert.Throws<InvalidOperationException>(() => call.GetTrailers());
    }

    [Fact]
    public async Task Response_headers_of_a_call_failing_without_messages_throw_its_status()
    {
        using var call = Client.UnaryAsync(new EchoRequest { StatusCode = (int)StatusCode.NotFound, StatusMessage = "nothing" }, deadline: Deadline);

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseHeadersAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Deadline_ends_a_waiting_stream_read_with_DEADLINE_EXCEEDED()
    {
        using var call = Client.ServerStream(new EchoRequest { WaitForCancellation = true, CallId = Guid.NewGuid().ToString("N") }, deadline: DateTime.UtcNow.AddMilliseconds(300));

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_read_cancels_the_call()
    {
        var callId = Guid.NewGuid().ToString("N");
        var headers = new Metadata { { "x-sync", "1" } };
        using var call = Client.ServerStream(new EchoRequest { WaitForCancellation = true, CallId = callId, EchoMetadata = { "x-sync" } }, headers, Deadline);
        await call.ResponseHeadersAsync;
        using var cts = new CancellationTokenSource();
        var read = call.ResponseStream.MoveNext(cts.Token);

        await cts.CancelAsync();

        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => read)).StatusCode);
        await server.WaitForCancelledAsync(callId);
    }

    [Fact]
    public async Task Disposing_the_channel_cancels_its_calls()
    {
        using var channel = GrpcChannel.ForAddress(server.Address);
        using var call = new InteropClient(channel).ServerStream(new EchoRequest { WaitForCancellation = true, CallId = Guid.NewGuid().ToString("N") }, deadline: Deadline);
        var read = call.ResponseStream.MoveNext(CancellationToken.None);

        channel.Dispose();

        Assert.Equal(StatusCode.Cancelled, (await Assert.ThrowsAsync<RpcException>(() => read)).StatusCode);
    }

    [Fact]
    public async Task Cancellation_throws_OperationCanceledException_when_the_channel_asks_for_it()
    {
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { ThrowOperationCanceledOnCancellation = true });
        using var cts = new CancellationTokenSource();
        var call = new InteropClient(channel).UnaryAsync(new EchoRequest { WaitForCancellation = true, CallId = Guid.NewGuid().ToString("N") }, deadline: Deadline, cancellationToken: cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.ResponseAsync);
    }

    [Fact]
    public async Task Blocking_unary_call_throws_the_status_of_a_failed_call()
    {
        var error = await Task.Run(() => Assert.Throws<RpcException>(() => Client.Unary(new EchoRequest { StatusCode = (int)StatusCode.PermissionDenied }, deadline: Deadline)));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task Metadata_added_by_a_client_interceptor_reaches_the_server()
    {
        var invoker = _channel.Intercept(headers =>
        {
            headers.Add("x-intercepted", "yes");
            return headers;
        });
        using var call = new InteropClient(invoker).UnaryAsync(new EchoRequest { EchoMetadata = { "x-intercepted" } }, deadline: Deadline);

        await call;

        Assert.Equal("yes", call.GetTrailers().GetValue("x-intercepted"));
    }

    [Fact]
    public async Task Channel_over_a_given_HttpClient_streams_and_leaves_it_usable()
    {
        using var httpClient = new HttpClient();
        using (var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpClient = httpClient }))
        {
            using var call = new InteropClient(channel).Duplex(deadline: Deadline);
            await call.RequestStream.WriteAsync(new EchoRequest { Text = "over HttpClient" });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal("over HttpClient", call.ResponseStream.Current.Text);
            await call.RequestStream.CompleteAsync();
        }

        using var again = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpClient = httpClient });
        Assert.Equal("again", (await new InteropClient(again).UnaryAsync(new EchoRequest { Text = "again" }, deadline: Deadline)).Text);
    }
}
