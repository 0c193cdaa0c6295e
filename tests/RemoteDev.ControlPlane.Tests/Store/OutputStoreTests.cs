using RemoteDev.ControlPlane.Store;
using RemoteDev.ControlPlane.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Store;

public abstract class OutputStoreTests : StoreTestBase
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly OutputStreamKey Main = new("sbx-1", "main");

    [Fact]
    public async Task Append_returns_the_durable_end_and_read_returns_the_bytes()
    {
        var data = Bytes(1000, seed: 1);

        var states = await Store.Output.AppendAsync([Chunk("e1", 0, data[..400]), Chunk("e1", 400, data[400..])], None);

        Assert.Equal(1000UL, Assert.Single(states).End);
        Assert.Equal(data, (await ReadAllAsync(Main, 0)).Bytes);
    }

    [Fact]
    public async Task Duplicate_and_overlapping_deliveries_store_byte_identical_output()
    {
        var data = Bytes(3000, seed: 2);

        await Store.Output.AppendAsync([Chunk("e1", 0, data[..1000])], None);
        await Store.Output.AppendAsync([Chunk("e1", 0, data[..1000]), Chunk("e1", 500, data[500..2000])], None);
        await Store.Output.AppendAsync([Chunk("e1", 0, data[..3000]), Chunk("e1", 2500, data[2500..])], None);

        var read = await ReadAllAsync(Main, 0);
        Assert.Equal(data, read.Bytes);
        Assert.Empty(read.Gaps);
    }

    [Fact]
    public async Task A_jump_forward_is_stored_as_a_gap()
    {
        await Store.Output.AppendAsync([Chunk("e1", 0, Bytes(10, 3)), Chunk("e1", 25, Bytes(5, 4))], None);

        var read = await ReadAllAsync(Main, 0);

        Assert.Equal([(10UL, 15UL)], read.Gaps);
        Assert.Equal(15, read.Bytes.Length);
        Assert.Equal(30UL, read.End);
    }

    [Fact]
    public async Task An_explicit_gap_advances_the_end()
    {
        await Store.Output.AppendAsync([Chunk("e1", 0, Bytes(10, 3)), OutputWrite.Gap(Main, "e1", 10, 90)], None);

        var state = await Store.Output.GetStreamAsync(Main, None);
        var read = await ReadAllAsync(Main, 0);

        Assert.Equal(100UL, state!.End);
        Assert.Equal([(10UL, 90UL)], read.Gaps);
    }

    [Fact]
    public async Task Stdout_and_stderr_chunks_keep_their_kind_and_order()
    {
        await Store.Output.AppendAsync(
        [
            OutputWrite.Chunk(Main, "e1", 0, StreamKind.Stdout, Utf8("out1")),
            OutputWrite.Chunk(Main, "e1", 4, StreamKind.Stderr, Utf8("err")),
            OutputWrite.Chunk(Main, "e1", 7, StreamKind.Stdout, Utf8("out2")),
        ], None);

        var read = await Store.Output.ReadAsync(Main, 0, 1 << 20, None);

        Assert.Equal(
            [(StreamKind.Stdout, "out1"), (StreamKind.Stderr, "err"), (StreamKind.Stdout, "out2")],
            read.Segments.Select(s => (s.Kind, System.Text.Encoding.UTF8.GetString(s.Data.Span))));
    }

    [Fact]
    public async Task Read_from_the_middle_respects_the_offset_and_max_bytes()
    {
        var data = Bytes(1000, 5);
        await Store.Output.AppendAsync([Chunk("e1", 0, data)], None);

        var read = await Store.Output.ReadAsync(Main, 100, 50, None);

        Assert.Equal(data[100..150], read.Segments.SelectMany(s => s.Data.ToArray()).ToArray());
        Assert.Equal(150UL, read.NextOffset);
    }

    [Fact]
    public async Task A_batch_may_append_to_several_streams_at_once()
    {
        var other = new OutputStreamKey("sbx-2", "worker");

        var states = await Store.Output.AppendAsync(
        [
            Chunk("e1", 0, Bytes(10, 6)),
            OutputWrite.Chunk(other, "x", 0, StreamKind.Stdout, Bytes(20, 7)),
            Chunk("e1", 10, Bytes(5, 8)),
        ], None);

        Assert.Equal([("sbx-1", 15UL), ("sbx-2", 20UL)], states.Select(s => (s.Stream.SandboxId, s.End)).OrderBy(s => s.Item1));
    }

    [Fact]
    public async Task Output_older_than_the_retention_is_pruned_and_read_as_a_gap()
    {
        await Store.Output.SetRetentionAsync(Main, 100_000, None);
        var data = Bytes(1_000_000, 9);
        for (var offset = 0; offset < data.Length; offset += 10_000)
        {
            await Store.Output.AppendAsync([Chunk("e1", (ulong)offset, data[offset..(offset + 10_000)])], None);
        }

        var state = await Store.Output.GetStreamAsync(Main, None);
        var read = await ReadAllAsync(Main, 0);

        Assert.InRange(state!.RetainedStart, 1_000_000UL - 200_000UL, 1_000_000UL - 100_000UL);
        Assert.Equal([(0UL, state.RetainedStart)], read.Gaps);
        Assert.Equal(data[(int)state.RetainedStart..], read.Bytes);
    }

    [Fact]
    public async Task A_new_epoch_appends_after_what_is_stored()
    {
        await Store.Output.AppendAsync([Chunk("e1", 0, Bytes(100, 10))], None);

        var states = await Store.Output.AppendAsync([Chunk("e2", 0, Bytes(50, 11))], None);

        var state = Assert.Single(states);
        Assert.Equal(("e2", 100UL, 150UL, 50UL), (state.Epoch, state.EpochBase, state.End, state.EpochEnd));
        var stored = (await ReadAllAsync(Main, 0)).Bytes;
        Assert.Equal(Bytes(100, 10).Concat(Bytes(50, 11)), stored);
    }

    [Fact]
    public async Task Open_epoch_keeps_the_base_of_the_current_epoch_and_starts_a_new_one_at_the_end()
    {
        await Store.Output.AppendAsync([Chunk("e1", 0, Bytes(100, 12))], None);

        var same = await Store.Output.OpenEpochAsync(Main, "e1", None);
        var next = await Store.Output.OpenEpochAsync(Main, "e2", None);
        await Store.Output.AppendAsync([Chunk("e2", 10, Bytes(5, 13))], None);
        var after = await Store.Output.GetStreamAsync(Main, None);

        Assert.Equal((0UL, 100UL), (same.EpochBase, same.EpochEnd));
        Assert.Equal((100UL, 0UL, 110UL), (next.EpochBase, next.EpochEnd, next.ToStored("e2", 10)));
        Assert.Equal(110UL, same.ToStored("e2", 10)); // an epoch not opened yet opens at the end

        Assert.Equal((115UL, 15UL), (after!.End, after.EpochEnd));
    }

    [Fact]
    public async Task Wait_for_end_completes_when_output_beyond_the_offset_commits()
    {
        await Store.Output.AppendAsync([Chunk("e1", 0, Bytes(10, 14))], None);
        var wait = Store.Output.WaitForEndAsync(Main, 10, None);

        await Store.Output.AppendAsync([Chunk("e1", 10, Bytes(1, 15))], None);

        await wait.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Output_survives_closing_and_reopening_the_store()
    {
        var data = Bytes(5000, 16);
        await Store.Output.AppendAsync([Chunk("e1", 0, data)], None);

        await ReopenAsync();

        Assert.Equal(data, (await ReadAllAsync(Main, 0)).Bytes);
        Assert.Equal(5000UL, (await Store.Output.GetStreamAsync(Main, None))!.EpochEnd);
    }

    [Fact]
    public async Task A_50_MB_stream_of_small_and_large_chunks_reads_back_byte_identical()
    {
        var data = Bytes(50 * 1024 * 1024, 17);
        var offset = 0;
        var size = 100;
        while (offset < data.Length)
        {
            var batch = new List<OutputWrite>();
            for (var i = 0; i < 64 && offset < data.Length; i++)
            {
                var n = Math.Min(size, data.Length - offset);
                batch.Add(Chunk("e1", (ulong)offset, data[offset..(offset + n)]));
                offset += n;
            }

            await Store.Output.AppendAsync(batch, None);
            size = size == 100 ? 64 * 1024 : 100;
        }

        var read = await ReadAllAsync(Main, 0);

        Assert.Empty(read.Gaps);
        Assert.True(data.AsSpan().SequenceEqual(read.Bytes));
    }

    private static OutputWrite Chunk(string epoch, ulong offset, byte[] data) =>
        OutputWrite.Chunk(Main, epoch, offset, StreamKind.Stdout, data);

    private static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task<(byte[] Bytes, List<(ulong Offset, ulong Length)> Gaps, ulong End)> ReadAllAsync(OutputStreamKey stream, ulong from)
    {
        using var buffer = new MemoryStream();
        var gaps = new List<(ulong, ulong)>();
        var end = (await Store.Output.GetStreamAsync(stream, None))!.End;
        while (from < end)
        {
            var read = await Store.Output.ReadAsync(stream, from, 4 << 20, None);
            foreach (var segment in read.Segments)
            {
                if (segment.IsGap)
                {
                    gaps.Add((segment.Offset, segment.GapLength));
                }
                else
                {
                    buffer.Write(segment.Data.Span);
                }
            }

            from = read.NextOffset;
        }

        return (buffer.ToArray(), gaps, end);
    }
}

public sealed class OutputStoreTests_Sqlite : OutputStoreTests
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Sqlite(dataDirectory);
}

public sealed class OutputStoreTests_Postgres(PostgresFixture postgres) : OutputStoreTests, IClassFixture<PostgresFixture>
{
    private protected override Task<StoreOptions> CreateOptionsAsync(string dataDirectory) => StoreTargets.Postgres(postgres, dataDirectory);
}
