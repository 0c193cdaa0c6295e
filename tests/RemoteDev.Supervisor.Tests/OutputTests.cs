using System.Text;
using RemoteDev.Supervisor.Tests.Infrastructure;

namespace RemoteDev.Supervisor.Tests;

public sealed class OutputTests
{
    [Fact]
    public async Task A_late_subscriber_gets_the_whole_retained_history_then_live_output()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(new ProcessSpec { Name = "cat", Command = "cat", StdinOpen = true });
        await h.WaitForStateAsync("cat", ProcessState.Running);
        await h.Supervisor.WriteStdinAsync("cat", "before\n"u8.ToArray(), CancellationToken.None);
        await h.ReadOutputUntilAsync("cat", "before\n");

        var late = h.Supervisor.SubscribeOutput("cat", 0);
        var history = (OutputChunk)(await late.ReadAsync(CancellationToken.None))!;
        var historyText = (Encoding.UTF8.GetString(history.Data.Span), history.Offset);
        var pendingLive = late.ReadAsync(CancellationToken.None).AsTask();
        await h.Supervisor.WriteStdinAsync("cat", "after\n"u8.ToArray(), CancellationToken.None);
        var live = (OutputChunk)(await pendingLive)!;

        Assert.Equal((("before\n", 0ul), "after\n", 7ul), (historyText, Encoding.UTF8.GetString(live.Data.Span), live.Offset));
    }

    [Fact]
    public async Task Overwritten_output_is_reported_as_a_gap_with_the_exact_missing_range()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "head -c 10000 /dev/zero; echo; echo done; sleep 1000") with { OutputBufferBytes = 4096 });
        await h.ReadOutputUntilAsync("p", "done");
        var (start, end) = (h.Supervisor.Get("p", false).OutputStart, h.Supervisor.Get("p", false).OutputEnd);

        var reader = h.Supervisor.SubscribeOutput("p", 0);
        var gap = (OutputGap)(await reader.ReadAsync(CancellationToken.None))!;
        var next = (OutputChunk)(await reader.ReadAsync(CancellationToken.None))!;

        Assert.Equal((10006ul, 5910ul, 0ul, 5910ul, 5910ul), (end, start, gap.Offset, gap.Length, next.Offset));
    }

    [Fact]
    public async Task Subscribing_to_a_tail_starts_that_many_bytes_before_the_end()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "echo 0123456789; sleep 1000"));
        await h.ReadOutputUntilAsync("p", "9");

        var chunk = (OutputChunk)(await h.Supervisor.SubscribeOutputTail("p", 4).ReadAsync(CancellationToken.None))!;

        Assert.Equal((7ul, "789\n"), (chunk.Offset, Encoding.UTF8.GetString(chunk.Data.Span)));
    }

    [Fact]
    public async Task Output_offsets_continue_across_restarts_of_the_process()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "echo run; sleep 1000"));
        await h.ReadOutputUntilAsync("p", "run\n");

        await h.Supervisor.RestartAsync("p", force: true, CancellationToken.None);
        var output = await h.ReadOutputUntilAsync("p", "run\nrun\n");

        Assert.Equal(("run\nrun\n", 8ul), (output, h.Supervisor.Get("p", false).OutputEnd));
    }

    [Fact]
    public async Task The_transition_a_run_exit_causes_says_where_that_run_output_ends_and_no_other_event_does()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "printf 12345; exit 3") with { Backoff = new FixedBackoff(TimeSpan.FromHours(1)) });
        var backoff = await h.NextStateAsync("p", ProcessState.Backoff);
        await h.Supervisor.RestartAsync("p", force: true, CancellationToken.None);
        var running = await h.NextStateAsync("p", ProcessState.Running);
        var again = await h.NextStateAsync("p", ProcessState.Backoff);
        var epoch = h.Supervisor.Get("p", false).OutputEpoch;

        Assert.Equal((new OutputPosition(epoch, 5), 3), (backoff.OutputEnd, backoff.ExitCode));
        Assert.Null(running.OutputEnd);
        Assert.Equal(new OutputPosition(epoch, 10), again.OutputEnd);
    }

    [Fact]
    public async Task A_stop_and_a_restart_end_their_run_output_where_it_ends()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "echo run; exec sleep 1000"));
        await h.ReadOutputUntilAsync("p", "run\n");

        await h.Supervisor.RestartAsync("p", force: false, CancellationToken.None);
        var restarted = await h.NextEventAsync(e => e.Process == "p" && e.Previous == ProcessState.Stopping);
        await h.ReadOutputUntilAsync("p", "run\nrun\n");
        await h.Supervisor.StopAsync("p", TimeSpan.FromSeconds(5), CancellationToken.None);
        var stopped = await h.NextStateAsync("p", ProcessState.Stopped);

        Assert.Equal((ProcessState.Starting, 4ul, "SIGTERM"), (restarted.State, restarted.OutputEnd!.Value.Offset, restarted.Signal));
        Assert.Equal(8ul, stopped.OutputEnd!.Value.Offset);
    }

    [Fact]
    public async Task Output_goes_to_rotating_log_files_named_by_offset()
    {
        await using var h = await SupervisorHarness.StartAsync(TimeProvider.System, o => o with { LogFileMaxBytes = 1000, LogFileCount = 2 });
        await h.AddAsync(SupervisorHarness.Shell("p", "head -c 3500 /dev/zero") with { RestartPolicy = RestartPolicy.Never });
        await h.WaitForStateAsync("p", ProcessState.Exited);

        var files = Directory.GetFiles(Path.Combine(h.Options.StateDirectory, "logs", "p"), "*.log").Select(Path.GetFileName).Order();

        Assert.Equal(["00000000000000002000.log", "00000000000000003000.log"], files);
    }

    [Fact]
    public async Task A_reader_that_never_reads_does_not_block_the_child()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(new ProcessSpec { Name = "p", Command = "cat", StdinOpen = true, RestartPolicy = RestartPolicy.Never });
        var idle = h.Supervisor.SubscribeOutput("p", 0);
        await h.WaitForStateAsync("p", ProcessState.Running);

        await h.Supervisor.WriteStdinAsync("p", new byte[5 * 1024 * 1024], CancellationToken.None);
        await h.Supervisor.CloseStdinAsync("p", CancellationToken.None);
        var exited = await h.WaitForStateAsync("p", ProcessState.Exited);
        var first = await idle.ReadAsync(CancellationToken.None);

        Assert.Equal((0, 5ul * 1024 * 1024, typeof(OutputGap)), (exited.ExitCode!.Value, exited.OutputEnd, first!.GetType()));
    }

    [Fact]
    public async Task Output_that_cannot_reach_its_log_file_still_reaches_readers_and_is_reported_with_the_file_and_error()
    {
        await using var h = await SupervisorHarness.StartAsync(TimeProvider.System, o => o with { LogFileMaxBytes = 100 });
        var logs = Path.Combine(h.Options.StateDirectory, "logs", "cat");
        var blocked = Directory.CreateDirectory(Path.Combine(logs, $"{100:D20}.log")).FullName;
        await h.AddAsync(new ProcessSpec { Name = "cat", Command = "cat", StdinOpen = true });
        await h.WaitForStateAsync("cat", ProcessState.Running);

        await h.Supervisor.WriteStdinAsync("cat", Encoding.UTF8.GetBytes(new string('a', 149) + "\n"), CancellationToken.None);
        var failed = await h.NextEventAsync(e => e.Kind == ProcessEventKind.LogFileError);
        await h.Supervisor.WriteStdinAsync("cat", "second\n"u8.ToArray(), CancellationToken.None);
        var recovered = await h.NextEventAsync(e => e.Kind == ProcessEventKind.LogFileRecovered);
        var output = await h.ReadOutputUntilAsync("cat", "second\n");

        Assert.StartsWith($"output is not reaching its log file (the ring still has it): {blocked}: ", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(
            (ProcessState.Running, 157, "second\n"),
            (recovered.State, output.Length, File.ReadAllText(Path.Combine(logs, $"{150:D20}.log"))));
    }
}
