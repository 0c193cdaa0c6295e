using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RemoteDev.Agent.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests;

public sealed class CommandTests(LinkFixture fixture) : IClassFixture<LinkFixture>
{
    private LinkHarness Link => fixture.Link;

    [Fact]
    public async Task Add_start_stop_restart_and_remove_drive_the_process()
    {
        var added = await Ok(new Command { Add = Specs.Shell("cmd-life", "exec sleep 600") });
        var running = await Link.StatusAsync("cmd-life", ProcessState.Running);
        var stopped = await Ok(new Command { Stop = new StopProcess { Name = "cmd-life" } });
        var started = await Ok(new Command { Start = new ProcessName { Name = "cmd-life" } });
        var first = await Link.StatusAsync("cmd-life", ProcessState.Running);
        var restarted = await Link.RunsAgainAfterAsync("cmd-life", first.Pid, () => Ok(new Command { Restart = new RestartProcess { Name = "cmd-life", Force = true } }));
        await Ok(new Command { Remove = new ProcessName { Name = "cmd-life" } });
        var missing = await Link.RunAsync(new Command { Get = new GetProcess { Name = "cmd-life" } });

        Assert.Equal("cmd-life", added.Process.Name);
        Assert.True(running.Pid > 0);
        Assert.Equal(ProcessState.Stopped, stopped.Process.State);
        Assert.NotEqual(first.Pid, restarted.Pid);
        Assert.Equal((int)StatusCode.NotFound, missing.Code);
        Assert.NotNull(started.Process);
    }

    [Fact]
    public async Task Reload_with_restart_now_runs_the_new_definition()
    {
        await Ok(new Command { Add = Specs.Shell("cmd-reload", "exec sleep 600") });
        var before = await Link.StatusAsync("cmd-reload", ProcessState.Running);

        var after = await Link.RunsAgainAfterAsync("cmd-reload", before.Pid, () => Ok(new Command { Reload = new ReloadProcess { Spec = Specs.Shell("cmd-reload", "exec sleep 700"), RestartNow = true } }));

        Assert.Equal("exec sleep 700", after.Spec.Args[1]);
    }

    [Fact]
    public async Task Signal_reaches_the_process()
    {
        var trap = Path.Combine(Link.Agent.Root, "hup");
        var trapped = Path.Combine(Link.Agent.Root, "hup-trapped");
        await Ok(new Command { Add = Specs.Shell("cmd-signal", $"trap 'touch {trap}' HUP; touch {trapped}; while true; do sleep 0.1; done") });
        await Link.WaitAsync(_ => File.Exists(trapped), "the HUP trap installed");

        await Ok(new Command { Signal = new SignalProcess { Name = "cmd-signal", Signal = "SIGHUP" } });

        await Link.WaitAsync(_ => File.Exists(trap), "the HUP trap ran");
    }

    [Fact]
    public async Task Stdin_written_and_closed_comes_back_through_cat()
    {
        var cat = new ProcessSpec { Name = "cmd-cat", Command = "cat", StdinOpen = true, RestartPolicy = RestartPolicy.Never };
        await Ok(new Command { Add = cat });
        await Link.StatusAsync("cmd-cat", ProcessState.Running);

        await Ok(new Command { WriteStdin = new WriteStdin { Name = "cmd-cat", Data = ByteString.CopyFromUtf8("round trip\n") } });
        await Ok(new Command { CloseStdin = new ProcessName { Name = "cmd-cat" } });
        var exited = await Link.StatusAsync("cmd-cat", ProcessState.Exited);

        var output = await Link.WaitAsync(s => s.Streams.FirstOrDefault(kv => kv.Key.Process == "cmd-cat" && kv.Value.End >= 11).Value?.Bytes, "cat output");
        Assert.Equal("round trip\n", Encoding.UTF8.GetString(output));
        Assert.Equal(0, exited.ExitCode);
    }

    [Fact]
    public async Task Resize_changes_the_terminal_size_a_pty_process_sees()
    {
        var size = Path.Combine(Link.Agent.Root, "size");
        var trapped = Path.Combine(Link.Agent.Root, "trapped");
        var pty = Specs.Shell("cmd-pty", $"trap 'stty size > {size}' WINCH; touch {trapped}; while true; do sleep 0.1; done");
        pty.Terminal = new TerminalSize { Rows = 24, Cols = 80 };
        await Ok(new Command { Add = pty });
        await Link.WaitAsync(_ => File.Exists(trapped), "the WINCH trap installed");

        await Ok(new Command { Resize = new ResizeTerminal { Name = "cmd-pty", Size = new TerminalSize { Rows = 40, Cols = 120 } } });

        var seen = await Link.WaitAsync(_ => File.Exists(size) ? File.ReadAllText(size).Trim() : null, "stty size after resize");
        Assert.Equal("40 120", seen);
    }

    [Fact]
    public async Task List_filters_by_tag_and_get_includes_the_effective_env()
    {
        var tagged = Specs.Shell("cmd-tagged", "exec sleep 600");
        tagged.Tags.Add("cmd-tag");
        tagged.Env["CMD_TAGGED"] = "yes";
        await Ok(new Command { Add = tagged });

        var list = await Ok(new Command { List = new ListProcesses { Tags = { "cmd-tag" } } });
        var get = await Ok(new Command { Get = new GetProcess { Name = "cmd-tagged", IncludeEnv = true } });

        Assert.Equal(["cmd-tagged"], list.Processes.Processes.Select(p => p.Name));
        Assert.Equal("yes", get.Process.EffectiveEnv["CMD_TAGGED"]);
    }

    [Fact]
    public async Task Exec_streams_output_and_reports_the_exit_code()
    {
        var exec = new ExecCommand { Command = { "bash", "-c", "echo out; echo err >&2; read line; echo got $line; exit 3" }, Stdin = ByteString.CopyFromUtf8("input\n") };

        var result = await Ok(new Command { Exec = exec });

        var output = Link.State.Read(s => Encoding.UTF8.GetString(s.ExecOutput[result.Id].ToArray()));
        Assert.Equal(3, result.Exec.ExitCode);
        Assert.Contains("out\n", output);
        Assert.Contains("err\n", output);
        Assert.Contains("got input\n", output);
    }

    [Fact]
    public async Task Exec_does_not_inherit_the_agent_token_or_its_runtime_settings()
    {
        var result = await Ok(new Command { Exec = new ExecCommand { Command = { "env" } } });

        var environment = Link.State.Read(s => Encoding.UTF8.GetString(s.ExecOutput[result.Id].ToArray()));
        Assert.Contains("PATH=", environment);
        Assert.DoesNotContain("REMOTEDEV_AGENT_TOKEN", environment);
        Assert.DoesNotContain("DOTNET_GCgen0size", environment);
    }

    [Fact]
    public async Task Exec_timeout_kills_the_whole_process_group()
    {
        var pidFile = Path.Combine(Link.Agent.Root, "grandchild.pid");
        var exec = new ExecCommand
        {
            Command = { "bash", "-c", $"sleep 600 & echo $! > {pidFile}; wait" },
            Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)),
        };

        var result = await Ok(new Command { Exec = exec });

        var grandchild = int.Parse(await File.ReadAllTextAsync(pidFile));
        Assert.True(result.Exec.TimedOut);
        Assert.Equal("SIGKILL", result.Exec.Signal);
        await Link.WaitAsync(_ => !Directory.Exists($"/proc/{grandchild}") || File.ReadAllText($"/proc/{grandchild}/stat").Contains(") Z ", StringComparison.Ordinal), "the grandchild died");
    }

    [Fact]
    public async Task Write_file_creates_parents_with_the_mode_and_read_file_returns_it()
    {
        var path = Path.Combine(Link.Agent.Root, "nested", "dir", "setup.sh");

        await Ok(new Command { WriteFile = new WriteFile { Path = path, Content = ByteString.CopyFromUtf8("#!/bin/sh\n"), Mode = 0x1ED } });
        var read = await Ok(new Command { ReadFile = new ReadFile { Path = path } });

        Assert.Equal("#!/bin/sh\n", read.File.Content.ToStringUtf8());
        Assert.Equal(0x1EDu, read.File.Mode);
    }

    [Fact]
    public async Task Write_file_onto_a_directory_or_where_nothing_can_be_written_names_the_path()
    {
        var onDirectory = await Link.RunAsync(new Command { WriteFile = new WriteFile { Path = Link.Agent.Root, Content = ByteString.CopyFromUtf8("x") } });
        var underProc = await Link.RunAsync(new Command { WriteFile = new WriteFile { Path = "/proc/1/not-a-file", Content = ByteString.CopyFromUtf8("x") } });

        Assert.Equal((int)StatusCode.FailedPrecondition, onDirectory.Code);
        Assert.Equal($"write_file.path: {Link.Agent.Root} is a directory", onDirectory.Message);
        Assert.NotEqual(0, underProc.Code);
        Assert.StartsWith("write_file.path: cannot write /proc/1/not-a-file: ", underProc.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", underProc.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_env_reaches_a_process_through_the_global_env_file_and_unset_restarts_it_without_the_name()
    {
        var probe = Specs.Shell("cmd-env", "echo \"value=$CMD_GLOBAL\"; exec sleep 600");
        probe.EnvReload = new EnvReload { Delay = Duration.FromTimeSpan(TimeSpan.Zero) };
        await Ok(new Command { Add = probe });
        await Link.StatusAsync("cmd-env", ProcessState.Running);

        var set = await Ok(new Command { SetEnv = new SetEnv { Values = { ["CMD_GLOBAL"] = "from-the-control-plane" } } });
        await Link.WaitAsync(s => s.Streams.Any(kv => kv.Key.Process == "cmd-env" && Encoding.UTF8.GetString(kv.Value.Bytes).Contains("value=from-the-control-plane")), "the process restarted with the new value");
        var unset = await Ok(new Command { UnsetEnv = new UnsetEnv { Names = { "CMD_GLOBAL" } } });

        Assert.Contains("CMD_GLOBAL", set.Env.Names);
        Assert.DoesNotContain("CMD_GLOBAL", unset.Env.Names);
        await Link.WaitAsync(s => s.Streams.Any(kv => kv.Key.Process == "cmd-env" && Encoding.UTF8.GetString(kv.Value.Bytes).EndsWith("value=\n", StringComparison.Ordinal)), "the process restarted without the value");
    }

    [Fact]
    public async Task Wait_times_out_with_deadline_exceeded_for_a_state_never_reached()
    {
        await Ok(new Command { Add = Specs.Shell("cmd-wait", "exec sleep 600") });

        var result = await Link.RunAsync(new Command { Wait = new WaitProcess { Name = "cmd-wait", State = ProcessState.Exited, Timeout = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(300)) } });

        Assert.Equal((int)StatusCode.DeadlineExceeded, result.Code);
    }

    [Fact]
    public async Task A_command_that_does_not_stop_at_its_deadline_is_answered_deadline_exceeded_once()
    {
        var ttyName = Path.Combine(Link.Agent.Root, "tty-name");
        var pty = Specs.Shell("cmd-tty", $"tty > {ttyName}; exec sleep 600");
        pty.Terminal = new TerminalSize { Rows = 24, Cols = 80 };
        await Ok(new Command { Add = pty });
        var tty = await Link.WaitAsync(_ => File.Exists(ttyName) && File.ReadAllText(ttyName).EndsWith('\n') ? File.ReadAllText(ttyName).Trim() : null, "the terminal's name");

        // Nobody types on the terminal: the read blocks, whatever its cancellation token says.
        var clock = Stopwatch.StartNew();
        var read = await Link.RunAsync(new Command { Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(2)), ReadFile = new ReadFile { Path = tty } });
        var answeredAfter = clock.Elapsed;
        await Ok(new Command { CloseStdin = new ProcessName { Name = "cmd-tty" } });
        await Link.WaitAsync(_ => Link.Agent.Log.Contains($"Abandoned command {read.Id} ended", StringComparison.Ordinal), "the abandoned read ended at the ^D typed on its terminal");
        await Ok(new Command { List = new ListProcesses() });

        Assert.Equal((int)StatusCode.DeadlineExceeded, read.Code);
        Assert.True(answeredAfter < TimeSpan.FromSeconds(10), $"answered after {answeredAfter}");
        Assert.Single(Link.State.Read(s => s.ResultIds.Where(id => id == read.Id).ToList()));
    }

    [Fact]
    public async Task Read_file_of_a_proc_file_beyond_the_size_cap_is_resource_exhausted()
    {
        // 5 MiB of text on this kernel, with a size of 0.
        var result = await Link.RunAsync(new Command { ReadFile = new ReadFile { Path = "/proc/kallsyms" } });

        Assert.Equal((int)StatusCode.ResourceExhausted, result.Code);
        Assert.Equal("read_file.path: /proc/kallsyms does not tell its size (a /proc file or a device) and holds more than the 3145728 bytes read of such a file", result.Message);
    }

    [Fact]
    public async Task Read_file_of_a_fifo_is_refused_at_once_as_not_a_file()
    {
        var fifo = Path.Combine(Link.Agent.Root, "a-fifo");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
        }

        var result = await Link.RunAsync(new Command { ReadFile = new ReadFile { Path = fifo } });

        Assert.Equal((int)StatusCode.FailedPrecondition, result.Code);
        Assert.Equal($"read_file.path: {fifo} is a FIFO, not a file: reading it would wait for a writer", result.Message);
    }

    [Fact]
    public async Task A_command_beyond_the_64_running_is_answered_resource_exhausted_at_once_and_the_link_stays_up()
    {
        await Ok(new Command { Add = Specs.Shell("cmd-slots", "exec sleep 600") });
        await Link.StatusAsync("cmd-slots", ProcessState.Running);
        var hellos = Link.State.Read(s => s.Hellos.Count);
        var waits = Enumerable.Range(0, 64)
            .Select(_ => Link.RunAsync(new Command { Wait = new WaitProcess { Name = "cmd-slots", State = ProcessState.Exited, Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(8)) } }))
            .ToList();

        var extra = await Link.RunAsync(new Command { List = new ListProcesses() });
        var waited = await Task.WhenAll(waits);

        Assert.Equal((int)StatusCode.ResourceExhausted, extra.Code);
        Assert.Contains("64 commands are running", extra.Message, StringComparison.Ordinal);
        Assert.All(waited, w => Assert.Equal((int)StatusCode.DeadlineExceeded, w.Code));
        Assert.Equal(hellos, Link.State.Read(s => s.Hellos.Count));
    }

    private async Task<CommandResult> Ok(Command command)
    {
        var result = await Link.RunAsync(command);
        Assert.True(result.Code == 0, $"{command.OpCase} failed: {result}");
        return result;
    }
}
