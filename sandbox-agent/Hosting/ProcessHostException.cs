using Grpc.Core;

namespace RemoteDev.Agent.Hosting;

/// <summary>A supervisor operation was refused; <see cref="Code"/> is the gRPC status the caller gets.</summary>
internal sealed class ProcessHostException(StatusCode code, string message) : Exception(message)
{
    public StatusCode Code { get; } = code;
}
