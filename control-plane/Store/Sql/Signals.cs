using System.Collections.Concurrent;

namespace RemoteDev.ControlPlane.Store.Sql;

/// <summary>Wakes waiters after a commit. Waiters re-check the store after waking, so a signal carries no data.</summary>
internal sealed class Signal
{
    private TaskCompletionSource _next = NewSource();

    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>One <see cref="Signal"/> per output stream, only while someone waits on it.</summary>
internal sealed class StreamSignals
{
    private readonly ConcurrentDictionary<OutputStreamKey, TaskCompletionSource> _waiting = new();

    /// <summary>Call before reading the state the waiter checks, then await the task.</summary>
    public Task Register(OutputStreamKey stream) =>
        _waiting.GetOrAdd(stream, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Pulse(OutputStreamKey stream)
    {
        if (_waiting.TryRemove(stream, out var source))
        {
            source.TrySetResult();
        }
    }
}
