using System.Threading.Channels;

namespace RemoteDev.Agent.Commands;

/// <summary>
/// The bytes of one exec's output the control plane takes now: the window at first, less what was sent, plus what it
/// credited back (ExecCredit). The exec's pumps take from it before they read a pipe, so a slow reader leaves the pipe
/// full and the command blocked writing to it. Closed when its link session ends; disposed when its exec ended, so
/// that credit for it is ignored.
/// </summary>
internal sealed class ExecOutputCredit(long window, Action<ExecOutputCredit> disposed) : IDisposable
{
    private readonly Lock _gate = new();
    private long _available = window;
    private bool _closed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Takes up to <paramref name="max"/> bytes, waiting while there are none; what is there is taken even after
    /// <paramref name="cancellationToken"/> was cancelled. <see cref="ChannelClosedException"/> once closed.
    /// </summary>
    public async ValueTask<int> TakeAsync(int max, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_closed)
                {
                    throw new ChannelClosedException("the link session of the exec ended");
                }

                if (_available > 0)
                {
                    var taken = (int)Math.Min(max, _available);
                    _available -= taken;
                    return taken;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Gives back what a pump took and did not send.</summary>
    public void Return(int bytes) => Change(() => _available += bytes);

    public void Grant(uint bytes) => Change(() => _available += bytes);

    public void Close() => Change(() => _closed = true);

    public void Dispose() => disposed(this);

    private void Change(Action change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            change();
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
