using RemoteDev.ControlPlane.Purge;
using RemoteDev.ControlPlane.Tests.Infrastructure;

namespace RemoteDev.ControlPlane.Tests.Units;

public sealed class PurgeBackoffTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly ManualTime _time = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public void Delay_doubles_from_the_interval_with_every_failure_in_a_row_up_to_the_bound()
    {
        var backoff = new PurgeBackoff(Interval, _time);

        var delays = Enumerable.Range(0, 9).Select(_ => backoff.Failed("sbx-1").TotalMinutes).ToList();

        Assert.Equal([1.0, 2, 4, 8, 16, 32, 60, 60, 60], delays);
    }

    [Fact]
    public void Failed_sandbox_is_due_again_once_its_delay_passed()
    {
        var backoff = new PurgeBackoff(Interval, _time);
        backoff.Failed("sbx-1");
        backoff.Failed("sbx-1");
        _time.Advance(2 * Interval - TimeSpan.FromTicks(1));
        var dueEarly = backoff.IsDue("sbx-1");

        _time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal((false, true), (dueEarly, backoff.IsDue("sbx-1")));
    }

    [Fact]
    public void Forgotten_sandbox_starts_again_from_the_interval()
    {
        var backoff = new PurgeBackoff(Interval, _time);
        backoff.Failed("sbx-1");
        backoff.Failed("sbx-1");

        backoff.Forget("sbx-1");

        Assert.True(backoff.IsDue("sbx-1"));
        Assert.Equal(Interval, backoff.Failed("sbx-1"));
    }

    [Fact]
    public void Sandbox_failing_beyond_the_capacity_is_not_tracked_and_tried_again_at_the_next_pass()
    {
        var backoff = new PurgeBackoff(Interval, _time);
        for (var i = 0; i < PurgeBackoff.Capacity; i++)
        {
            backoff.Failed($"sbx-{i}");
        }

        var delay = backoff.Failed("sbx-over");

        Assert.Equal(Interval, delay);
        Assert.True(backoff.IsDue("sbx-over"));
        Assert.Equal(2 * Interval, backoff.Failed("sbx-0"));
    }

    [Fact]
    public void Interval_longer_than_the_bound_is_the_delay()
    {
        var interval = PurgeBackoff.MaxDelay * 3;
        var backoff = new PurgeBackoff(interval, _time);

        backoff.Failed("sbx-1");

        Assert.Equal(interval, backoff.Failed("sbx-1"));
    }
}
