using System.Net.Sockets;
using Grpc.Net.Client;
using RemoteDev.Grpc.Tests.Client.Peers;
using RemoteDev.Grpc.Tests.Interop;
using InteropClient = RemoteDev.Grpc.Tests.Interop.Interop.InteropClient;

namespace RemoteDev.Grpc.Tests.Client;

/// <summary>Our client against Debian's grpcio server, plus what only that server offers: gzip responses, a unix socket.</summary>
public sealed class PythonServerClientTests(PythonServerFixture server) : ClientConformanceTests(server), IClassFixture<PythonServerFixture>
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Gzip_compressed_responses_are_decompressed()
    {
        using var channel = GrpcChannel.ForAddress(server.GzipAddress);
        using var call = new InteropClient(channel).UnaryAsync(new EchoRequest { ResponseSize = 2 * 1024 * 1024 }, deadline: DateTime.UtcNow + CallTimeout);

        var reply = await call;

        Assert.Equal("gzip", (await call.ResponseHeadersAsync).GetValue("grpc-encoding"));
        Assert.Equal(Enumerable.Repeat((byte)1, 2 * 1024 * 1024), reply.Payload);
    }

    [Fact]
    public async Task Calls_reach_a_server_on_a_unix_domain_socket_through_ConnectCallback()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(server.UnixSocketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });

        var reply = await new InteropClient(channel).UnaryAsync(new EchoRequest { Text = "over uds" }, deadline: DateTime.UtcNow + CallTimeout);

        Assert.Equal("over uds", reply.Text);
    }
}
