using Grpc.Health.V1;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>A server that starts stopping says NOT_SERVING to its health watchers, then ends their calls with OK.</summary>
public sealed class HealthShutdownTests
{
    [Fact]
    public async Task A_watch_open_when_the_server_stops_gets_NOT_SERVING_and_then_ends_OK()
    {
        var server = await InteropTestServer.StartAsync();
        using var client = RawGrpc.CreateClient(server.BaseUri);
        var request = RawGrpc.Request("/grpc.health.v1.Health/Watch", RawGrpc.Frame(new HealthCheckRequest { Service = string.Empty }));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var before = HealthCheckResponse.Parser.ParseFrom(await RawMessageReader.ReadAllAsync(body).FirstAsync()).Status;

        var stopped = server.DisposeAsync().AsTask();
        var after = await RawMessageReader.ReadAllAsync(body).Select(m => HealthCheckResponse.Parser.ParseFrom(m).Status).ToListAsync();
        await stopped;

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, before);
        Assert.Equal([HealthCheckResponse.Types.ServingStatus.NotServing], after);
        Assert.Equal(["0"], response.TrailingHeaders.GetValues("grpc-status"));
    }
}
