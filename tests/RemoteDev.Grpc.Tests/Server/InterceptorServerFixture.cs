namespace RemoteDev.Grpc.Tests.Server;

/// <summary>A server with interceptors A, B, C (in that order) and detailed errors on.</summary>
public sealed class InterceptorServerFixture : IAsyncLifetime
{
    internal InteropTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await InteropTestServer.StartAsync(new TestServerOptions
        {
            ConfigureGrpc = o =>
            {
                o.Interceptors.Add<RecordingInterceptor>("A");
                o.Interceptors.Add<RecordingInterceptor>("B");
                o.Interceptors.Add<RecordingInterceptor>("C");
                o.EnableDetailedErrors = true;
            },
        });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
