namespace RemoteDev.Grpc.Tests.Server;

/// <summary>A server with a 1 MiB send limit, detailed errors off, interceptor "Z" and an HTTP/1.1 endpoint, for the malformed-input tests.</summary>
public sealed class BadInputServerFixture : IAsyncLifetime
{
    public const int MaxSendMessageSize = 1024 * 1024;

    internal InteropTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await InteropTestServer.StartAsync(new TestServerOptions
        {
            ConfigureGrpc = o =>
            {
                o.MaxSendMessageSize = MaxSendMessageSize;
                o.Interceptors.Add<RecordingInterceptor>("Z");
            },
            WithHttp1Endpoint = true,
        });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
