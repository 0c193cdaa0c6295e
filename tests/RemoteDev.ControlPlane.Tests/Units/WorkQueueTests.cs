using RemoteDev.ControlPlane.Reconcile;

namespace RemoteDev.ControlPlane.Tests.Units;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Key_enqueued_twice_is_handed_out_once()
    {
        var queue = new WorkQueue(TimeProvider.System);
        queue.Enqueue("a");
        queue.Enqueue("a");
        queue.Enqueue("b");

        var first = await queue.DequeueAsync(CancellationToken.None).WaitAsync(Wait);
        var second = await queue.DequeueAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(["a", "b"], [first, second]);
    }

    [Fact]
    public async Task Key_enqueued_while_in_flight_runs_again_only_after_done()
    {
        var queue = new WorkQueue(TimeProvider.System);
        queue.Enqueue("a");
        var inFlight = await queue.DequeueAsync(CancellationToken.None).WaitAsync(Wait);

        queue.Enqueue("a");
        var again = queue.DequeueAsync(CancellationToken.None);
        var waitingWhileInFlight = !again.IsCompleted;
        queue.Done(inFlight);

        Assert.True(waitingWhileInFlight);
        Assert.Equal("a", await again.WaitAsync(Wait));
    }

    [Fact]
    public async Task Delayed_key_arrives_after_its_delay()
    {
        var queue = new WorkQueue(TimeProvider.System);

        queue.EnqueueAfter("later", TimeSpan.FromMilliseconds(50));

        Assert.Equal("later", await queue.DequeueAsync(CancellationToken.None).WaitAsync(Wait));
    }
}
