using System.Text;
using RemoteDev.Supervisor.Native;
using RemoteDev.Supervisor.Tests.Infrastructure;

namespace RemoteDev.Supervisor.Tests;

/// <summary>One-shot commands: started and reaped by the supervisor, never supervised.</summary>
public sealed class OneShotTests
{
    private static readonly Dictionary<string, string> Env = new() { ["PATH"] = "/usr/bin:/bin" };

    [Fact]
    public async Task A_command_a_signal_killed_ends_with_the_signal_name_and_no_exit_code()
    {
        await using var h = await SupervisorHarness.StartAsync();

        var ended = await RunAsync(h, "kill -TERM $$");

        Assert.Equal((null, "SIGTERM"), (ended.ExitCode, ended.Signal));
    }

    [Fact]
    public async Task A_command_that_exits_137_ends_with_exit_code_137_and_no_signal()
    {
        await using var h = await SupervisorHarness.StartAsync();

        var ended = await RunAsync(h, "exit 137");

        Assert.Equal((137, (string?)null), (ended.ExitCode, ended.Signal));
    }

    [Fact]
    public async Task Stdin_reaches_the_command_and_its_stdout_and_stderr_come_back_apart()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var command = h.Supervisor.StartOneShot(Shell(h, "cat; echo err >&2"));

        await using (command.Stdin)
        {
            await command.Stdin.WriteAsync("hello\n"u8.ToArray());
        }

        var stdout = await ReadToEndAsync(command.Stdout);
        var stderr = await ReadToEndAsync(command.Stderr);
        var ended = await command.Exited.WaitAsync(SupervisorHarness.Timeout);

        Assert.Equal(("hello\n", "err\n", 0), (stdout, stderr, ended.ExitCode));
    }

    [Fact]
    public async Task The_command_ends_when_it_exits_and_a_child_it_left_in_its_group_keeps_running()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var command = h.Supervisor.StartOneShot(Shell(h, "sleep 600 & echo $!"));
        using var stdout = new StreamReader(command.Stdout);
        var child = int.Parse((await stdout.ReadLineAsync())!);

        var ended = await command.Exited.WaitAsync(SupervisorHarness.Timeout);
        var childState = await File.ReadAllTextAsync($"/proc/{child}/stat");
        Libc.kill(child, 9);

        Assert.Equal(0, ended.ExitCode);
        Assert.Matches(@"\) [RSD] ", childState);
        Assert.Null(await stdout.ReadLineAsync().WaitAsync(SupervisorHarness.Timeout));
        await command.Stdin.DisposeAsync();
        await command.Stderr.DisposeAsync();
    }

    [Fact]
    public async Task A_stdin_write_the_command_never_reads_stops_when_cancelled_and_the_pipe_can_then_be_closed()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var command = h.Supervisor.StartOneShot(Shell(h, "exec sleep 600"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var write = command.Stdin.WriteAsync(new byte[4 * 1024 * 1024], cancel.Token).AsTask();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(SupervisorHarness.Timeout));
        await command.Stdin.DisposeAsync();
        Libc.kill(-command.Pid, 9);
        Assert.Equal("SIGKILL", (await command.Exited.WaitAsync(SupervisorHarness.Timeout)).Signal);
        await command.Stdout.DisposeAsync();
        await command.Stderr.DisposeAsync();
    }

    [Fact]
    public async Task Shutdown_kills_a_command_still_running_and_it_ends_with_SIGKILL()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var command = h.Supervisor.StartOneShot(Shell(h, "exec sleep 600"));

        await h.Supervisor.ShutdownAsync(CancellationToken.None);

        Assert.Equal("SIGKILL", (await command.Exited.WaitAsync(SupervisorHarness.Timeout)).Signal);
    }

    [Fact]
    public async Task An_executable_that_cannot_be_executed_throws_the_os_error()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var script = Path.Combine(h.Root, "not-executable.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho hi\n");

        var error = Assert.Throws<CommandStartException>(() => h.Supervisor.StartOneShot(new OneShotCommand(script, [script], Env, h.Root)));

        Assert.Contains("errno 13", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unread_after_the_exit_counts_what_the_command_left_in_its_pipes()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var command = h.Supervisor.StartOneShot(Shell(h, "head -c 1000 /dev/zero; head -c 10 /dev/zero >&2"));

        await command.Exited.WaitAsync(SupervisorHarness.Timeout);

        Assert.Equal((1000, 10), (command.Unread(StreamKind.Stdout), command.Unread(StreamKind.Stderr)));
    }

    [Fact]
    public async Task A_zero_byte_read_waits_until_the_pipe_has_data_and_reads_none_of_it()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var command = h.Supervisor.StartOneShot(Shell(h, "read line; echo \"$line\""));
        var waiting = command.Stdout.ReadAsync(Memory<byte>.Empty).AsTask();
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);

        await using (command.Stdin)
        {
            await command.Stdin.WriteAsync("hello\n"u8.ToArray());
        }

        Assert.Equal(0, await waiting.WaitAsync(SupervisorHarness.Timeout));
        Assert.Equal("hello\n", await ReadToEndAsync(command.Stdout));
    }

    private static OneShotCommand Shell(SupervisorHarness h, string script) =>
        new("/bin/sh", ["sh", "-c", script], Env, h.Options.WorkspaceDirectory);

    private static async Task<OneShotExit> RunAsync(SupervisorHarness h, string script)
    {
        var command = h.Supervisor.StartOneShot(Shell(h, script));
        await command.Stdin.DisposeAsync();
        await ReadToEndAsync(command.Stdout);
        await ReadToEndAsync(command.Stderr);
        return await command.Exited.WaitAsync(SupervisorHarness.Timeout);
    }

    private static async Task<string> ReadToEndAsync(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync().WaitAsync(SupervisorHarness.Timeout);
    }
}
