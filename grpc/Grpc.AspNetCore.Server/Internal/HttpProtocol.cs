namespace Grpc.AspNetCore.Server.Internal;

internal static class HttpProtocol
{
    public static bool IsHttp2(string protocol) => Microsoft.AspNetCore.Http.HttpProtocol.IsHttp2(protocol);
}
