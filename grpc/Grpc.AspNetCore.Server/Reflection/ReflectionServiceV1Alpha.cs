using Google.Protobuf;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;

namespace Grpc.AspNetCore.Server.Reflection;

/// <summary>grpc.reflection.v1alpha.ServerReflection: the same messages on the wire as v1, answered by v1.</summary>
internal sealed class ReflectionServiceV1Alpha(ReflectionServiceV1 v1) : ServerReflection.ServerReflectionBase
{
    public override async Task ServerReflectionInfo(IAsyncStreamReader<ServerReflectionRequest> requestStream, IServerStreamWriter<ServerReflectionResponse> responseStream, ServerCallContext context)
    {
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var request = Grpc.Reflection.V1.ServerReflectionRequest.Parser.ParseFrom(requestStream.Current.ToByteString());
            var response = ServerReflectionResponse.Parser.ParseFrom(v1.Answer(request).ToByteString());
            await responseStream.WriteAsync(response, context.CancellationToken);
        }
    }
}
