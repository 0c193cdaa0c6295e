using System.Threading.Channels;
using Grpc.Core;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Attach;

/// <summary>
/// One Attach call and the task that owns its request stream: the open first, then the session's queued requests.
/// A request leaves the queue only once written, so one the call could not take goes out on the next call.
/// </summary>
internal sealed class AttachCall
{
    private readonly AsyncDuplexStreamingCall<V1.AttachRequest, V1.AttachResponse> _call;
    private readonly CancellationTokenSource _stop;
    private readonly Task _writer;
    private bool _ended;

    private AttachCall(AsyncDuplexStreamingCall<V1.AttachRequest, V1.AttachResponse> call, CancellationTokenSource stop, Task writer)
    {
        _call = call;
        _stop = stop;
        _writer = writer;
    }

    public IAsyncStreamReader<V1.AttachResponse> ResponseStream => _call.ResponseStream;

    public static AttachCall Start(AsyncDuplexStreamingCall<V1.AttachRequest, V1.AttachResponse> call, V1.AttachOpen open, ChannelReader<V1.AttachRequest> requests, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        return new AttachCall(call, stop, WriteAsync(call.RequestStream, open, requests, stop.Token));
    }

    /// <summary>
    /// After the server ended the attach (we detached) and the request queue was completed: lets the writer send what
    /// is queued and half-close; failures no longer matter.
    /// </summary>
    public async Task FinishAsync()
    {
        await AwaitWriterAsync();
        End();
    }

    /// <summary>Stops the writer (leaving queued requests for a next call) and ends the call; once is enough.</summary>
    public async Task CloseAsync()
    {
        if (_ended)
        {
            return;
        }

        await _stop.CancelAsync();
        await AwaitWriterAsync();
        End();
    }

    private void End()
    {
        _ended = true;
        _call.Dispose();
        _stop.Dispose();
    }

    private static async Task WriteAsync(IClientStreamWriter<V1.AttachRequest> stream, V1.AttachOpen open, ChannelReader<V1.AttachRequest> requests, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(new V1.AttachRequest { Open = open }, cancellationToken);
        while (await requests.WaitToReadAsync(cancellationToken))
        {
            while (requests.TryPeek(out var request))
            {
                await stream.WriteAsync(request, cancellationToken);
                requests.TryRead(out _);
            }
        }

        await stream.CompleteAsync();
    }

    private async Task AwaitWriterAsync()
    {
        try
        {
            await _writer;
        }
        catch (Exception error) when (error is RpcException or IOException or OperationCanceledException or InvalidOperationException)
        {
            // The call is over: nothing more can be sent on it, and what was not sent stays queued.
        }
    }
}
