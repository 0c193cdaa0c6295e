using Grpc.Core;
using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Api;

/// <summary>Turns typed store failures into the gRPC status the operator sees.</summary>
internal static class StoreCalls
{
    public static async Task<T> Run<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (StoreException error)
        {
            var code = error.Error switch
            {
                StoreError.NotFound => StatusCode.NotFound,
                StoreError.AlreadyExists => StatusCode.AlreadyExists,
                StoreError.Conflict => StatusCode.Aborted,
                StoreError.InvalidArgument => StatusCode.InvalidArgument,
                _ => StatusCode.Internal,
            };
            throw new RpcException(new Status(code, $"{error.Field}: {error.Message}"));
        }
    }
}
