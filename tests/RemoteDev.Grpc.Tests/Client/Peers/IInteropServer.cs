namespace RemoteDev.Grpc.Tests.Client.Peers;

/// <summary>A running server of the interop.proto Interop service that our client is tested against.</summary>
public interface IInteropServer
{
    Uri Address { get; }

    /// <summary>Completes when the server saw the cancellation of the wait_for_cancellation call named <paramref name="callId"/>.</summary>
    Task WaitForCancelledAsync(string callId);
}
