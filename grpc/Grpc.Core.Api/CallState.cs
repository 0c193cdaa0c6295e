namespace Grpc.Core;

/// <summary>What every client call shape exposes besides its messages: headers, status, trailers, disposal.</summary>
internal sealed class CallState(Task<Metadata> responseHeadersAsync, Func<Status> getStatus, Func<Metadata> getTrailers, Action dispose)
{
    public Task<Metadata> ResponseHeadersAsync { get; } = responseHeadersAsync ?? throw new ArgumentNullException(nameof(responseHeadersAsync));

    public Func<Status> GetStatus { get; } = getStatus ?? throw new ArgumentNullException(nameof(getStatus));

    public Func<Metadata> GetTrailers { get; } = getTrailers ?? throw new ArgumentNullException(nameof(getTrailers));

    public Action Dispose { get; } = dispose ?? throw new ArgumentNullException(nameof(dispose));
}
