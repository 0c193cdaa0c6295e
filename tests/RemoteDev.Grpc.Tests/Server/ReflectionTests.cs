using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Reflection.V1;
using Microsoft.AspNetCore.Builder;
using RemoteDev.Grpc.Tests.Probe;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>A server that also maps a service whose proto file imports google/protobuf/timestamp.proto.</summary>
public sealed class ProbeServerFixture : IAsyncLifetime
{
    internal InteropTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await InteropTestServer.StartAsync(new TestServerOptions
    {
        MapServices = endpoints => endpoints.MapGrpcService<ProbeService>(),
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    internal sealed class ProbeService : Probe.Probe.ProbeBase
    {
        public override Task<NowReply> Now(NowRequest request, ServerCallContext context) =>
            Task.FromResult(new NowReply { Time = Timestamp.FromDateTime(DateTime.UtcNow) });
    }
}

/// <summary>Server reflection answers with a file and its transitive dependencies.</summary>
public sealed class ReflectionTests(ProbeServerFixture fixture) : IClassFixture<ProbeServerFixture>, IDisposable
{
    private readonly HttpClient _client = RawGrpc.CreateClient(fixture.Server.BaseUri);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task File_containing_a_method_comes_with_its_imports()
    {
        var query = new ServerReflectionRequest { FileContainingSymbol = "remotedev.probe.v1.Probe.Now" };

        var response = await RawGrpc.SendAsync(_client, RawGrpc.Request("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", RawGrpc.Frame(query)));

        var answer = ServerReflectionResponse.Parser.ParseFrom(response.Body[5..]);
        var files = answer.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b).Name);
        Assert.Equal(["reflection_probe.proto", "google/protobuf/timestamp.proto"], files);
    }

    [Fact]
    public async Task File_containing_a_message_type_is_found()
    {
        var query = new ServerReflectionRequest { FileContainingSymbol = "remotedev.probe.v1.NowReply" };

        var response = await RawGrpc.SendAsync(_client, RawGrpc.Request("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", RawGrpc.Frame(query)));

        var answer = ServerReflectionResponse.Parser.ParseFrom(response.Body[5..]);
        Assert.Equal("reflection_probe.proto", FileDescriptorProto.Parser.ParseFrom(answer.FileDescriptorResponse.FileDescriptorProto[0]).Name);
    }
}
