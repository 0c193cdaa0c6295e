using System.Text;
using RemoteDev.Supervisor.Output;

namespace RemoteDev.Supervisor.Tests.Unit;

public sealed class OutputRingTests
{
    private static string Text(OutputRecord? record) => Encoding.ASCII.GetString(((OutputChunk)record!).Data.Span);

    [Fact]
    public void Reads_stop_at_a_change_of_stream_kind()
    {
        var ring = new OutputRing(64, 0);
        ring.Append(StreamKind.Stdout, "out"u8);
        ring.Append(StreamKind.Stderr, "err"u8);

        var first = (OutputChunk)ring.Read(0, new byte[100], out _)!;
        var second = (OutputChunk)ring.Read(3, new byte[100], out _)!;

        Assert.Equal((StreamKind.Stdout, "out", StreamKind.Stderr, "err"), (first.Kind, Text(first), second.Kind, Text(second)));
    }

    [Fact]
    public void Wrapped_data_is_read_back_in_order()
    {
        var ring = new OutputRing(8, 0);
        ring.Append(StreamKind.Stdout, "abcdef"u8);
        ring.Append(StreamKind.Stdout, "ghij"u8);

        Assert.Equal(("cdefghij", (2ul, 10ul)), (Text(ring.Read(2, new byte[100], out _)), ring.Range));
    }

    [Fact]
    public void A_position_before_the_start_gets_a_gap_up_to_the_start()
    {
        var ring = new OutputRing(8, 0);
        ring.Append(StreamKind.Stdout, "0123456789AB"u8);

        var gap = (OutputGap)ring.Read(1, new byte[100], out _)!;

        Assert.Equal((1ul, 3ul), (gap.Offset, gap.Length));
    }

    [Fact]
    public void A_ring_can_start_at_a_recovered_offset()
    {
        var ring = new OutputRing(8, 1000);
        ring.Append(StreamKind.Pty, "xy"u8);

        Assert.Equal(("xy", (1000ul, 1002ul)), (Text(ring.Read(1000, new byte[100], out _)), ring.Range));
    }

    [Fact]
    public async Task A_waiting_reader_wakes_on_append()
    {
        var ring = new OutputRing(8, 0);
        var wait = ring.WaitAsync(0);

        ring.Append(StreamKind.Stdout, "a"u8);
        await wait.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(wait.IsCompletedSuccessfully);
    }

    [Fact]
    public void Too_many_kind_changes_evict_the_oldest_runs()
    {
        var ring = new OutputRing(1 << 20, 0);
        for (var i = 0; i < 10_000; i++)
        {
            ring.Append(i % 2 == 0 ? StreamKind.Stdout : StreamKind.Stderr, "x"u8);
        }

        Assert.Equal((10_000ul - 8192, 10_000ul), ring.Range);
    }
}
