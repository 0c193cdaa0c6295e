using System.Diagnostics;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>One server and one python grpcio client process for the whole test class.</summary>
public sealed class PythonPeerFixture : IAsyncLifetime
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("grpc-python-peer-").FullName;

    internal InteropTestServer Server { get; private set; } = null!;

    internal PeerProcess Peer { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await InteropTestServer.StartAsync();
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            ArgumentList = { Path.Combine(RepoPaths.Peers, "python_peer.py"), _workDir, RepoPaths.InteropProtos, RepoPaths.ServerProtos, Server.Address },
        };
        Peer = await PeerProcess.StartAsync(start);
    }

    public async Task DisposeAsync()
    {
        await Peer.DisposeAsync();
        await Server.DisposeAsync();
        Directory.Delete(_workDir, recursive: true);
    }
}
