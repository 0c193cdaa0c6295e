using System.Diagnostics.CodeAnalysis;
using Grpc.AspNetCore.Server.Internal;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>Maps every method of <typeparamref name="TService"/> (a subclass of a generated <c>FooBase</c>), resolved per call from DI.</summary>
    public static GrpcServiceEndpointConventionBuilder MapGrpcService<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TService>(this IEndpointRouteBuilder builder)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        return ServiceEndpointMapper.Map<TService>(builder);
    }
}
