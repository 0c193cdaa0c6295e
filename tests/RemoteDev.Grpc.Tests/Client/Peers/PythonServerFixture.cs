using System.Diagnostics;

namespace RemoteDev.Grpc.Tests.Client.Peers;

/// <summary>The interop service on Debian's python3-grpcio (asyncio), also listening on a unix domain socket.</summary>
public sealed class PythonServerFixture : IInteropServer, IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("grpc-client-python-");
    private PeerServerProcess _peer = null!;

    public Uri Address => _peer.Address;

    /// <summary>A second server that gzip-compresses every response to clients that accept gzip.</summary>
    public Uri GzipAddress => _peer.GzipAddress!;

    public string UnixSocketPath => Path.Combine(_dir.FullName, "interop.sock");

    public Task WaitForCancelledAsync(string callId) => _peer.WaitForCancelledAsync(callId);

    public async Task InitializeAsync()
    {
        var startInfo = new ProcessStartInfo("/usr/bin/python3");
        foreach (var argument in new[] { "-u", RepoPaths.Peer("python_server.py"), RepoPaths.InteropProto, _dir.FullName, UnixSocketPath })
        {
            startInfo.ArgumentList.Add(argument);
        }

        _peer = await PeerServerProcess.StartAsync(startInfo);
    }

    public async Task DisposeAsync()
    {
        await _peer.DisposeAsync();
        _dir.Delete(recursive: true);
    }
}
