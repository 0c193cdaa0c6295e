using System.Collections.Concurrent;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>How a handler waiting for cancellation saw its call end.</summary>
internal enum CallEnd
{
    Cancelled,
    DeadlineExceeded,
}

/// <summary>Lets tests wait for what handlers observed, keyed by the request's call_id.</summary>
internal sealed class CallObserver
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<CallEnd>> _ends = new();
    private readonly ConcurrentDictionary<string, Barrier> _barriers = new();

    public void Ended(string callId, CallEnd end) => Get(callId).TrySetResult(end);

    public Task<CallEnd> WaitForEndAsync(string callId) => Get(callId).Task.WaitAsync(TestTimeouts.Observe);

    /// <summary>Completes once <paramref name="size"/> calls of <paramref name="group"/> have arrived.</summary>
    public Task ArriveAsync(string group, int size, CancellationToken cancellationToken)
    {
        var barrier = _barriers.GetOrAdd(group, _ => new Barrier(size));
        return barrier.Arrive().WaitAsync(cancellationToken);
    }

    private TaskCompletionSource<CallEnd> Get(string callId) =>
        _ends.GetOrAdd(callId, _ => new TaskCompletionSource<CallEnd>(TaskCreationOptions.RunContinuationsAsynchronously));

    private sealed class Barrier(int size)
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task Arrive()
        {
            if (Interlocked.Increment(ref _arrived) >= size)
            {
                _all.TrySetResult();
            }

            return _all.Task;
        }
    }
}

internal static class TestTimeouts
{
    /// <summary>Generous: the machine is shared and loaded.</summary>
    public static readonly TimeSpan Observe = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan PeerCommand = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan PeerStart = TimeSpan.FromSeconds(60);
}
