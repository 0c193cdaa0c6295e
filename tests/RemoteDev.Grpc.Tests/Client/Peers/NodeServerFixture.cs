using System.Diagnostics;

namespace RemoteDev.Grpc.Tests.Client.Peers;

/// <summary>
/// The interop service on npm's @grpc/grpc-js with @grpc/proto-loader (installed by scripts/install-deps). Its server
/// never compresses responses (grpc-js 1.14 has no server-side response compression).
/// </summary>
public sealed class NodeServerFixture : IInteropServer, IAsyncLifetime
{
    private PeerServerProcess _peer = null!;

    public Uri Address => _peer.Address;

    public Task WaitForCancelledAsync(string callId) => _peer.WaitForCancelledAsync(callId);

    public async Task InitializeAsync()
    {
        var startInfo = new ProcessStartInfo("node");
        startInfo.ArgumentList.Add(RepoPaths.Peer("node_server.js"));
        startInfo.ArgumentList.Add(RepoPaths.InteropProto);
        startInfo.Environment["NODE_PATH"] = RepoPaths.NodeModules;
        _peer = await PeerServerProcess.StartAsync(startInfo);
    }

    public Task DisposeAsync() => _peer.DisposeAsync().AsTask();
}
