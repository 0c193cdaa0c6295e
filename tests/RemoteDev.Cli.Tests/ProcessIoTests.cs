using System.Text;
using RemoteDev.Cli.Tests.Harness;

namespace RemoteDev.Cli.Tests;

/// <summary>Bytes through rdev: exec, logs, attach, files and env against a real control plane and agent.</summary>
public sealed class ProcessIoTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private static readonly byte[] Binary = [0x00, 0xff, 0xfe, 0x80, 0x10, 0x11, .. "text\r\n"u8, 0xc3, 0x28];

    [Fact]
    public async Task Exec_exits_with_the_remote_exit_code()
    {
        var result = await sandbox.Rdev.RunAsync("exec", sandbox.SandboxId, "--", "/bin/sh", "-c", "exit 7");

        result.AssertExit(7);
    }

    [Fact]
    public async Task Exec_copies_stdout_byte_exact_including_non_utf8_bytes()
    {
        var result = await sandbox.Rdev.RunAsync("exec", sandbox.SandboxId, "--", "/bin/sh", "-c", @"printf 'a\377\376\000b\303\050'");

        Assert.Equal([(byte)'a', 0xff, 0xfe, 0x00, (byte)'b', 0xc3, 0x28], result.Stdout);
    }

    [Fact]
    public async Task Exec_sends_stderr_to_stderr_and_stdout_to_stdout()
    {
        var result = await sandbox.Rdev.RunAsync("exec", sandbox.SandboxId, "--", "/bin/sh", "-c", "echo out; echo err >&2");

        Assert.Equal(("out\n", "err\n"), (result.Text, result.Stderr));
    }

    [Fact]
    public async Task Exec_with_stdin_passes_local_stdin_bytes_to_the_command()
    {
        var result = await sandbox.Rdev.RunAsync(new RdevRun(["exec", "--stdin", sandbox.SandboxId, "--", "cat"]) { Stdin = Binary });

        Assert.Equal(Binary, result.Stdout);
    }

    [Fact]
    public async Task Exec_reports_death_by_signal_as_128_plus_the_signal_number()
    {
        var result = await sandbox.Rdev.RunAsync("exec", sandbox.SandboxId, "--", "/bin/sh", "-c", "kill -TERM $$");

        result.AssertExit(128 + 15);
    }

    [Fact]
    public async Task Exec_names_the_signal_that_killed_the_command_on_stderr()
    {
        var result = await sandbox.Rdev.RunAsync("exec", sandbox.SandboxId, "--", "/bin/sh", "-c", "echo before >&2; kill -TERM $$");

        Assert.Equal("before\nrdev: the command was killed by SIGTERM\n", result.Stderr);
    }

    [Fact]
    public async Task Exec_of_a_command_that_exits_137_exits_137_naming_no_signal()
    {
        var result = await sandbox.Rdev.RunAsync("exec", sandbox.SandboxId, "--", "/bin/sh", "-c", "exit 137");

        Assert.Equal((137, ""), (result.ExitCode, result.Stderr));
    }

    [Fact]
    public async Task Exec_killed_by_its_timeout_exits_124_and_says_so_on_stderr()
    {
        var result = await sandbox.Rdev.RunAsync("exec", sandbox.SandboxId, "--timeout", "1s", "--", "sleep", "600");

        Assert.Equal((124, "rdev: the command timed out and was killed (SIGKILL)\n"), (result.ExitCode, result.Stderr));
    }

    [Fact]
    public async Task Logs_follow_prints_every_byte_of_an_exited_process_and_ends()
    {
        var result = await sandbox.Rdev.RunAsync("logs", sandbox.SandboxId, "printer", "--follow");

        result.AssertExit(0);
        Assert.Equal(SandboxFixture.PrinterBytes, result.Stdout);
    }

    [Fact]
    public async Task Logs_tail_prints_only_the_last_bytes()
    {
        var result = await sandbox.Rdev.RunAsync("logs", sandbox.SandboxId, "printer", "--follow", "--tail", "10");

        Assert.Equal("last line\n", result.Text);
    }

    [Fact]
    public async Task Attach_with_piped_stdin_round_trips_bytes_through_cat_and_exits_with_its_code()
    {
        var input = Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i * 7)).Concat(Binary).ToArray();
        await AddRunningAsync("cat", "echo ready; exec cat");

        var result = await sandbox.Rdev.RunAsync(new RdevRun(["attach", sandbox.SandboxId, "cat"]) { Stdin = input });

        result.AssertExit(0);
        Assert.Equal(input, result.Stdout);
    }

    [Fact]
    public async Task Attach_exits_with_the_exit_code_of_the_process_it_followed_to_the_end()
    {
        await AddRunningAsync("reader", "echo ready; read x; echo got $x; exit 3");

        var result = await sandbox.Rdev.RunAsync(new RdevRun(["attach", sandbox.SandboxId, "reader"]) { Stdin = "hello\n"u8.ToArray() });

        Assert.Equal((3, "got hello\n"), (result.ExitCode, result.Text + result.Stderr));
    }

    [Fact]
    public async Task Attach_ends_with_the_run_it_followed_even_when_the_process_restarts_and_prints_none_of_the_next_run()
    {
        await AddRunningAsync("again", "always", "echo ready; read x; echo got $x; exit 5");

        var result = await sandbox.Rdev.RunAsync(new RdevRun(["attach", sandbox.SandboxId, "again"]) { Stdin = "hello\n"u8.ToArray() });

        Assert.Equal((5, "got hello\n"), (result.ExitCode, result.Text));
        Assert.Contains("the run of again ended; it is BACKOFF", result.Stderr, StringComparison.Ordinal);
        await using var next = TerminalRdev.Start(sandbox.ControlPlane, "24", "80", "logs", sandbox.SandboxId, "again", "--follow");
        await next.WaitForOutputAsync("got hello\r\nready");
    }

    [Fact]
    public async Task Attach_to_an_exited_process_is_a_conflict_pointing_to_logs()
    {
        await sandbox.Rdev.RunAsync("logs", sandbox.SandboxId, "printer", "--follow");

        var result = await sandbox.Rdev.RunAsync("attach", sandbox.SandboxId, "printer", "--no-stdin");

        result.AssertExit(6);
        Assert.Contains("rdev logs", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_write_then_read_round_trips_bytes()
    {
        var content = Enumerable.Range(0, 200_000).Select(i => (byte)(i % 251)).Concat(Binary).ToArray();

        var path = SandboxPath("round-trip/blob.bin");

        var written = await sandbox.Rdev.RunAsync(new RdevRun(["files", "write", sandbox.SandboxId, path]) { Stdin = content });
        var read = await sandbox.Rdev.RunAsync("files", "read", sandbox.SandboxId, path);

        written.AssertExit(0);
        Assert.Equal(content, read.Stdout);
    }

    [Fact]
    public async Task Files_write_then_read_round_trips_ten_mebibytes()
    {
        var content = new byte[10 * 1024 * 1024];
        Random.Shared.NextBytes(content);
        var path = SandboxPath("round-trip/ten.bin");

        var written = await sandbox.Rdev.RunAsync(new RdevRun(["files", "write", sandbox.SandboxId, path]) { Stdin = content });
        var read = await sandbox.Rdev.RunAsync("files", "read", sandbox.SandboxId, path);

        written.AssertExit(0);
        read.AssertExit(0);
        Assert.True(content.AsSpan().SequenceEqual(read.Stdout), $"read {read.Stdout.Length} bytes that differ from the {content.Length} written");
    }

    [Fact]
    public async Task Files_write_applies_the_octal_mode()
    {
        var path = SandboxPath("moded.txt");
        await sandbox.Rdev.RunAsync(new RdevRun(["files", "write", sandbox.SandboxId, path, "--mode", "0640"]) { Stdin = "x"u8.ToArray() });

        var mode = await sandbox.Rdev.RunAsync("exec", sandbox.SandboxId, "--", "stat", "-c", "%a", path);

        Assert.Equal("640\n", mode.Text);
    }

    [Fact]
    public async Task Env_set_then_list_shows_the_names_and_never_the_values()
    {
        await sandbox.Rdev.RunAsync("env", "set", sandbox.SandboxId, "RDEV_ALPHA=secret-alpha", "RDEV_BETA=b=c");

        var listed = await sandbox.Rdev.RunAsync("env", "list", sandbox.SandboxId);

        listed.AssertExit(0);
        Assert.Contains("RDEV_ALPHA\n", listed.Text, StringComparison.Ordinal);
        Assert.Contains("RDEV_BETA\n", listed.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-alpha", listed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Env_unset_removes_the_name_from_the_json_list()
    {
        await sandbox.Rdev.RunAsync("env", "set", sandbox.SandboxId, "RDEV_GONE=1", "RDEV_KEPT=1");

        var unset = await sandbox.Rdev.RunAsync("env", "unset", sandbox.SandboxId, "RDEV_GONE", "-o", "json");

        var names = unset.Json.GetProperty("names").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Contains("RDEV_KEPT", names);
        Assert.DoesNotContain("RDEV_GONE", names);
    }

    [Fact]
    public async Task Ps_lists_the_sandbox_processes_in_a_table()
    {
        var result = await sandbox.Rdev.RunAsync("ps", sandbox.SandboxId);

        result.AssertExit(0);
        Assert.Contains("idle", result.Text, StringComparison.Ordinal);
        Assert.Contains("RUNNING", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_add_runs_a_command_whose_output_logs_show()
    {
        var added = await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, "added", "--restart", "never", "-o", "json", "--", "/bin/echo", "added-output");
        var logs = await sandbox.Rdev.RunAsync("logs", sandbox.SandboxId, "added", "--follow");

        Assert.Equal("added", added.Json.GetProperty("name").GetString());
        Assert.Equal("added-output\n", Encoding.UTF8.GetString(logs.Stdout));
    }

    /// <summary>Files take absolute paths; the process driver's sandboxes share this machine's file system.</summary>
    private string SandboxPath(string name) => Path.Combine(sandbox.ControlPlane.DataDir, "files", name);

    /// <summary>Adds a shell script with stdin open, never restarted, and returns once it printed "ready".</summary>
    private Task AddRunningAsync(string name, string script) => AddRunningAsync(name, "never", script);

    private async Task AddRunningAsync(string name, string restart, string script)
    {
        await sandbox.Rdev.RunAsync("process", "add", sandbox.SandboxId, name, "--stdin-open", "--restart", restart, "--", "/bin/sh", "-c", script);
        await using var logs = TerminalRdev.Start(sandbox.ControlPlane, "24", "80", "logs", sandbox.SandboxId, name, "--follow");
        await logs.WaitForOutputAsync("ready");
    }
}
