using Grpc.Core;
using Grpc.Reflection.V1;

namespace Grpc.AspNetCore.Server.Reflection;

/// <summary>grpc.reflection.v1.ServerReflection: list services, file by name, file containing a symbol.</summary>
internal sealed class ReflectionServiceV1(ReflectionIndex index) : ServerReflection.ServerReflectionBase
{
    private const int NotFound = (int)StatusCode.NotFound;
    private const int Unimplemented = (int)StatusCode.Unimplemented;

    public override async Task ServerReflectionInfo(IAsyncStreamReader<ServerReflectionRequest> requestStream, IServerStreamWriter<ServerReflectionResponse> responseStream, ServerCallContext context)
    {
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            await responseStream.WriteAsync(Answer(requestStream.Current), context.CancellationToken);
        }
    }

    public ServerReflectionResponse Answer(ServerReflectionRequest request)
    {
        var response = new ServerReflectionResponse { ValidHost = request.Host, OriginalRequest = request };
        switch (request.MessageRequestCase)
        {
            case ServerReflectionRequest.MessageRequestOneofCase.ListServices:
                var list = new ListServiceResponse();
                list.Service.AddRange(index.ServiceNames.Select(name => new ServiceResponse { Name = name }));
                response.ListServicesResponse = list;
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileByFilename:
                SetFiles(response, index.FileByName(request.FileByFilename), $"File '{request.FileByFilename}' not found.");
                break;
            case ServerReflectionRequest.MessageRequestOneofCase.FileContainingSymbol:
                SetFiles(response, index.FileContainingSymbol(request.FileContainingSymbol), $"Symbol '{request.FileContainingSymbol}' not found.");
                break;
            default:
                response.ErrorResponse = new ErrorResponse { ErrorCode = Unimplemented, ErrorMessage = $"Request {request.MessageRequestCase} is not supported." };
                break;
        }

        return response;
    }

    private static void SetFiles(ServerReflectionResponse response, IReadOnlyList<Google.Protobuf.ByteString>? files, string notFound)
    {
        if (files is null)
        {
            response.ErrorResponse = new ErrorResponse { ErrorCode = NotFound, ErrorMessage = notFound };
            return;
        }

        var found = new FileDescriptorResponse();
        found.FileDescriptorProto.AddRange(files);
        response.FileDescriptorResponse = found;
    }
}
