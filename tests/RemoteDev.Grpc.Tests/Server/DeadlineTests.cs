using RemoteDev.Grpc.Tests.Interop;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>The server enforces grpc-timeout itself, whatever the client does.</summary>
public sealed class DeadlineTests(BadInputServerFixture fixture) : IClassFixture<BadInputServerFixture>, IDisposable
{
    private readonly HttpClient _client = RawGrpc.CreateClient(fixture.Server.BaseUri);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Expired_grpc_timeout_ends_the_call_with_DEADLINE_EXCEEDED_and_cancels_the_handler()
    {
        var callId = Guid.NewGuid().ToString();
        var request = RawGrpc.Request("/remotedev.interop.v1.Interop/Unary", RawGrpc.Frame(new EchoRequest { WaitForCancellation = true, CallId = callId }));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "200m");

        var response = await RawGrpc.SendAsync(_client, request);

        Assert.Equal("4: Deadline Exceeded", response.Outcome);
        Assert.Equal(CallEnd.DeadlineExceeded, await fixture.Server.Observer.WaitForEndAsync(callId));
    }

    [Fact]
    public async Task Deadline_after_messages_were_sent_arrives_in_the_trailers()
    {
        var body = new OpenRequestBody(RawGrpc.Frame(new EchoRequest { Text = "first" }));
        var request = RawGrpc.Request("/remotedev.interop.v1.Interop/Duplex", body);
        request.Headers.TryAddWithoutValidation("grpc-timeout", "300m");

        var response = await RawGrpc.SendAsync(_client, request);

        Assert.Equal("first", EchoReply.Parser.ParseFrom(response.Body[5..]).Text);
        Assert.Equal(["4"], response.Trailers.GetValues("grpc-status"));
        body.Release();
    }
}
