using RemoteDev.Supervisor.Tests.Infrastructure;

namespace RemoteDev.Supervisor.Tests;

public sealed class SpawnTests
{
    private static (StreamKind, string, ulong) Describe(OutputChunk chunk) =>
        (chunk.Kind, System.Text.Encoding.UTF8.GetString(chunk.Data.Span), chunk.Offset);

    [Fact]
    public async Task Stdout_and_stderr_reach_the_output_stream_with_their_kinds()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "echo out; sleep 0.1; echo err >&2; sleep 1000"));
        await h.ReadOutputUntilAsync("p", "err");

        var subscription = h.Supervisor.SubscribeOutput("p", 0);
        var first = Describe((OutputChunk)(await subscription.ReadAsync(CancellationToken.None))!);
        var second = Describe((OutputChunk)(await subscription.ReadAsync(CancellationToken.None))!);

        Assert.Equal((StreamKind.Stdout, "out\n", 0ul), first);
        Assert.Equal((StreamKind.Stderr, "err\n", 4ul), second);
    }

    [Fact]
    public async Task A_missing_command_fails_with_the_os_error_and_the_supervisor_keeps_running()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(new ProcessSpec { Name = "ghost", Command = "no-such-command-xyz" });
        var failed = await h.WaitForStateAsync("ghost", ProcessState.Failed);

        await h.AddAsync(SupervisorHarness.Shell("alive", "sleep 1000"));
        await h.WaitForStateAsync("alive", ProcessState.Running);

        Assert.Contains("not found", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_that_is_not_executable_fails_with_EACCES()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var script = Path.Combine(h.Root, "not-executable.sh");
        File.WriteAllText(script, "#!/bin/sh\necho hi\n");
        await h.AddAsync(new ProcessSpec { Name = "p", Command = script });

        var failed = await h.WaitForStateAsync("p", ProcessState.Failed);

        Assert.Contains("errno 13", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdin_round_trips_through_cat_and_closing_it_ends_cat()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(new ProcessSpec { Name = "cat", Command = "cat", StdinOpen = true, RestartPolicy = RestartPolicy.Never });
        await h.WaitForStateAsync("cat", ProcessState.Running);

        await h.Supervisor.WriteStdinAsync("cat", "hello stdin\n"u8.ToArray(), CancellationToken.None);
        var output = await h.ReadOutputUntilAsync("cat", "hello stdin\n");
        await h.Supervisor.CloseStdinAsync("cat", CancellationToken.None);
        var exited = await h.WaitForStateAsync("cat", ProcessState.Exited);

        Assert.Equal(("hello stdin\n", 0), (output, exited.ExitCode));
    }

    [Fact]
    public async Task The_child_is_the_leader_of_its_own_process_group()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "ps -o pgid= -p $$; sleep 1000"));
        var running = await h.WaitForStateAsync("p", ProcessState.Running);

        var output = await h.ReadOutputUntilAsync("p", "\n");

        Assert.Equal(running.Pid.ToString(), output.Trim());
    }

    [Fact]
    public async Task Children_get_a_higher_oom_score_adj()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000"));
        var running = await h.WaitForStateAsync("p", ProcessState.Running);

        var score = File.ReadAllText($"/proc/{running.Pid}/oom_score_adj").Trim();

        Assert.Equal("500", score);
    }

    [Fact]
    public async Task An_exited_child_is_reaped_and_leaves_no_zombie()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "echo $$; exit 3") with { RestartPolicy = RestartPolicy.Never });
        var pid = (await h.ReadOutputUntilAsync("p", "\n")).Trim();

        await h.WaitForStateAsync("p", ProcessState.Exited);

        Assert.False(Directory.Exists($"/proc/{pid}"));
    }

    [Fact]
    public async Task Writing_to_a_process_whose_stdin_is_closed_is_rejected()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000"));
        await h.WaitForStateAsync("p", ProcessState.Running);

        var error = await Assert.ThrowsAsync<ProcessOperationException>(
            () => h.Supervisor.WriteStdinAsync("p", "x"u8.ToArray(), CancellationToken.None));

        Assert.Equal("'p' has no open stdin (not running, or stdinOpen is false)", error.Message);
    }
}
