using Grpc.Core;
using RemoteDev.Grpc.Tests.Interop;

namespace RemoteDev.Bench.Grpc;

/// <summary>Our server's side of grpc-interop: the echo subset of the interop service the benchmark calls.</summary>
internal sealed class EchoBenchService : Interop.InteropBase
{
    public override Task<EchoReply> Unary(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(new EchoReply { Payload = request.Payload, Text = request.Text });

    public override async Task Duplex(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        var index = 0;
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            await responseStream.WriteAsync(new EchoReply { Payload = requestStream.Current.Payload, Index = index++ });
        }
    }
}
