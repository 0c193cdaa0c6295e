using RemoteDev.Grpc.Tests.Server;

namespace RemoteDev.Grpc.Tests.Client.Peers;

/// <summary>The interop service on our own server (Grpc.AspNetCore.Server on Kestrel), from the server tests.</summary>
public sealed class OurServerFixture : IInteropServer, IAsyncLifetime
{
    private InteropTestServer _server = null!;

    public Uri Address => _server.BaseUri;

    public Task WaitForCancelledAsync(string callId) => _server.Observer.WaitForEndAsync(callId);

    public async Task InitializeAsync() => _server = await InteropTestServer.StartAsync();

    public Task DisposeAsync() => _server.DisposeAsync().AsTask();
}
