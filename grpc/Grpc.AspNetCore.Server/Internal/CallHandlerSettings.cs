using System.IO.Compression;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The options of the server resolved once per mapped service, shared by every call.</summary>
internal sealed record CallHandlerSettings(
    int? MaxReceiveMessageSize,
    int? MaxSendMessageSize,
    bool EnableDetailedErrors,
    string? ResponseCompressionAlgorithm,
    CompressionLevel ResponseCompressionLevel,
    IReadOnlyList<InterceptorActivator> Interceptors,
    TimeProvider TimeProvider,
    ILogger Logger)
{
    public static CallHandlerSettings From(GrpcServiceOptions options, IServiceProvider services)
    {
        if (options.ResponseCompressionAlgorithm is { } algorithm && !GrpcProtocol.IsSupportedEncoding(algorithm))
        {
            throw new InvalidOperationException($"Response compression '{algorithm}' is not supported; supported: {GrpcProtocol.SupportedEncodings}.");
        }

        return new CallHandlerSettings(
            options.MaxReceiveMessageSize,
            options.MaxSendMessageSize,
            options.EnableDetailedErrors ?? false,
            options.ResponseCompressionAlgorithm == GrpcWire.IdentityEncoding ? null : options.ResponseCompressionAlgorithm,
            options.ResponseCompressionLevel ?? CompressionLevel.Fastest,
            options.Interceptors.Select(r => new InterceptorActivator(r)).ToArray(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Grpc.AspNetCore.Server.ServerCallHandler"));
    }
}
