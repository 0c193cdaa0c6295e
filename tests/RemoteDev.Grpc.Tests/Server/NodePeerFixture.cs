using System.Diagnostics;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>
/// One server (compressing responses with gzip when the client accepts it) and one node grpc-js client process for
/// the whole test class.
/// </summary>
public sealed class NodePeerFixture : IAsyncLifetime
{
    internal InteropTestServer Server { get; private set; } = null!;

    internal PeerProcess Peer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await InteropTestServer.StartAsync(new TestServerOptions { ConfigureGrpc = o => o.ResponseCompressionAlgorithm = "gzip" });
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { Path.Combine(RepoPaths.Peers, "node_peer.js"), RepoPaths.InteropProtos, RepoPaths.ServerProtos, Server.Address },
            Environment = { ["NODE_PATH"] = RepoPaths.NodeModules },
        };
        Peer = await PeerProcess.StartAsync(start);
    }

    public async Task DisposeAsync()
    {
        await Peer.DisposeAsync();
        await Server.DisposeAsync();
    }
}
