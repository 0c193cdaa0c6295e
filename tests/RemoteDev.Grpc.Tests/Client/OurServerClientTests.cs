using Grpc.Core;
using Grpc.Net.Client;
using RemoteDev.Grpc.Tests.Client.Peers;
using RemoteDev.Grpc.Tests.Interop;
using RemoteDev.Grpc.Tests.Server;
using InteropClient = RemoteDev.Grpc.Tests.Interop.Interop.InteropClient;

namespace RemoteDev.Grpc.Tests.Client;

/// <summary>Our client against our server (Grpc.AspNetCore.Server).</summary>
public sealed class OurServerClientTests(OurServerFixture server) : ClientConformanceTests(server), IClassFixture<OurServerFixture>
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Gzip_compressed_responses_are_decompressed()
    {
        using var channel = GrpcChannel.ForAddress(server.Address);
        var headers = new Metadata { { InteropService.CompressResponseHeader, "gzip" } };
        using var call = new InteropClient(channel).ServerStream(new EchoRequest { ResponseCount = 1, ResponseSize = 2 * 1024 * 1024 }, headers, DateTime.UtcNow + CallTimeout);

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal("gzip", (await call.ResponseHeadersAsync).GetValue("grpc-encoding"));
        Assert.Equal(InteropService.Pattern(2 * 1024 * 1024), call.ResponseStream.Current.Payload);
    }
}
