using Grpc.Core;
using RemoteDev.ControlPlane.Output;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Units;

public sealed class OutputSubscriptionTests
{
    private const int Budget = 64 * 1024;

    [Fact]
    public async Task Subscriber_that_falls_behind_holds_nothing_and_reads_the_cut_off_next()
    {
        using var subscription = new OutputSubscription(Budget, _ => { });
        var chunk = new byte[1024];

        for (var i = 0; i < 100; i++)
        {
            subscription.Offer(new HubItem.Chunk(StreamKind.Stdout, (ulong)(i * chunk.Length), chunk));
        }

        Assert.Equal(0, subscription.QueuedBytes);
        var error = await Assert.ThrowsAsync<RpcException>(async () => await subscription.Reader.WaitToReadAsync());
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("attacher too slow", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Many_small_chunks_within_the_byte_budget_and_stored_notices_do_not_cut_off()
    {
        using var subscription = new OutputSubscription(16 * 1024 * 1024, _ => { });
        var line = new byte[100];

        for (var i = 0; i < 20_000; i++)
        {
            subscription.Offer(new HubItem.Chunk(StreamKind.Stdout, (ulong)(i * line.Length), line));
            subscription.Offer(HubItem.Stored.Instance);
        }

        Assert.Equal(20_000L * line.Length, subscription.QueuedBytes);
        Assert.False(subscription.Reader.Completion.IsCompleted);
        Assert.Equal(20_001, subscription.Reader.Count);
    }
}
