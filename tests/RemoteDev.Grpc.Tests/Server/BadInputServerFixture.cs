namespace RemoteDev.Grpc.Tests.Server;

/// <summary>A server with a 1 MiB send limit, detailed errors off and interceptor "Z", for the malformed-input tests.</summary>
public sealed class BadInputServerFixture : IAsyncLifetime
{
    public const int MaxSendMessageSize = 1024 * 1024;

    internal InteropTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await InteropTestServer.StartAsync(
            o =>
            {
                o.MaxSendMessageSize = MaxSendMessageSize;
                o.Interceptors.Add<RecordingInterceptor>("Z");
            },
            _ => { });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
