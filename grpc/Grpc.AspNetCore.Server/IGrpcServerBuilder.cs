namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Returned by <c>AddGrpc</c> to configure the gRPC server further.</summary>
public interface IGrpcServerBuilder
{
    IServiceCollection Services { get; }
}
