using RemoteDev.Grpc.Tests.Interop;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>Server interceptors: order, short-circuit, exceptions.</summary>
public sealed class InterceptorTests(InterceptorServerFixture fixture) : IClassFixture<InterceptorServerFixture>, IDisposable
{
    private readonly HttpClient _client = RawGrpc.CreateClient(fixture.Server.BaseUri);

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData("Unary")]
    [InlineData("ServerStream")]
    [InlineData("ClientStream")]
    [InlineData("Duplex")]
    public async Task Interceptors_run_in_registration_order(string method)
    {
        var response = await RawGrpc.SendAsync(_client, RawGrpc.Request($"/remotedev.interop.v1.Interop/{method}", RawGrpc.Frame(new EchoRequest { ResponseCount = 1 })));

        Assert.Equal("0: ", response.Outcome);
        Assert.Equal(["A", "B", "C"], response.TrailerValues("x-enter"));
    }

    [Fact]
    public async Task Interceptor_short_circuits_the_call_with_its_RpcException_status()
    {
        var request = RawGrpc.Request("/remotedev.interop.v1.Interop/Unary", RawGrpc.Frame(new EchoRequest()));
        request.Headers.TryAddWithoutValidation("x-deny", "B");

        var response = await RawGrpc.SendAsync(_client, request);

        Assert.Equal("7: denied by B", response.Outcome);
        Assert.Equal(["A"], response.TrailerValues("x-enter"));
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task Exception_thrown_inside_the_pipeline_is_UNKNOWN_with_its_message_when_detailed_errors_are_on()
    {
        var request = RawGrpc.Request("/remotedev.interop.v1.Interop/Unary", RawGrpc.Frame(new EchoRequest()));
        request.Headers.TryAddWithoutValidation("x-throw", "C");

        var response = await RawGrpc.SendAsync(_client, request);

        Assert.Equal("2: Exception was thrown by handler. InvalidOperationException: boom in C", response.Outcome);
    }
}
