using System.Text;
using Google.Protobuf;
using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>Every Processes, Files and Env call against a real agent.</summary>
public abstract class ProcessApiTests(ControlPlaneFixture cp) : IAsyncLifetime
{
    private string _id = "";

    private Processes.ProcessesClient Processes => cp.Admin.Processes;

    public async Task InitializeAsync()
    {
        var created = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox("processes", Specs.Shell("base", "while :; do sleep 1; done")));
        _id = created.Id;
        await Waits.PhaseAsync(cp.Admin, _id, SandboxPhase.Ready);
    }

    public Task DisposeAsync() => cp.Admin.Sandboxes.DeleteAsync(new DeleteSandboxRequest { Id = _id }).ResponseAsync;

    [Fact]
    public async Task Added_process_runs_and_is_part_of_the_desired_state()
    {
        await Processes.AddAsync(new AddProcessRequest { SandboxId = _id, Spec = Specs.Shell("added", "echo added-ran; sleep 600") });

        await OutputReads.UntilStoredContainsAsync(cp.Admin, _id, "added", "added-ran");
        var sandbox = await cp.Admin.Sandboxes.GetAsync(new GetSandboxRequest { Id = _id });
        Assert.Contains(sandbox.Spec.Processes, p => p.Name == "added");
    }

    [Fact]
    public async Task Stop_then_start_moves_the_process_between_stopped_and_running()
    {
        await Processes.AddAsync(new AddProcessRequest { SandboxId = _id, Spec = Specs.Shell("toggled", "sleep 600") });
        await Waits.ProcessStateAsync(cp.Admin, _id, "toggled", ProcessState.Running);

        await Processes.StopAsync(new StopProcessRequest { SandboxId = _id, Name = "toggled" });
        await Waits.ProcessStateAsync(cp.Admin, _id, "toggled", ProcessState.Stopped);
        await Processes.StartAsync(new ProcessRef { SandboxId = _id, Name = "toggled" });
        await Waits.ProcessStateAsync(cp.Admin, _id, "toggled", ProcessState.Running);

        var status = await Processes.GetAsync(new GetProcessRequest { SandboxId = _id, Name = "toggled" });
        Assert.Equal(ProcessState.Running, status.State);
    }

    [Fact]
    public async Task Restart_answers_with_the_new_run()
    {
        await Processes.AddAsync(new AddProcessRequest { SandboxId = _id, Spec = Specs.Shell("restarted", "sleep 600") });
        await Waits.ProcessStateAsync(cp.Admin, _id, "restarted", ProcessState.Running);
        var before = await Processes.GetAsync(new GetProcessRequest { SandboxId = _id, Name = "restarted" });

        var after = await Processes.RestartAsync(new RestartProcessRequest { SandboxId = _id, Name = "restarted", Force = true });

        Assert.Equal(ProcessState.Running, after.State);
        Assert.NotEqual(before.Pid, after.Pid);
    }

    [Fact]
    public async Task Signal_reaches_the_process()
    {
        await Processes.AddAsync(new AddProcessRequest { SandboxId = _id, Spec = Specs.Shell("trapper", "trap 'echo got-hup' HUP; echo armed; while :; do sleep 0.1; done") });
        await OutputReads.UntilStoredContainsAsync(cp.Admin, _id, "trapper", "armed");

        await Processes.SignalAsync(new SignalProcessRequest { SandboxId = _id, Name = "trapper", Signal = "SIGHUP" });

        await OutputReads.UntilStoredContainsAsync(cp.Admin, _id, "trapper", "got-hup");
    }

    [Fact]
    public async Task Reload_with_restart_now_runs_the_new_definition()
    {
        await Processes.AddAsync(new AddProcessRequest { SandboxId = _id, Spec = Specs.Shell("reloaded", "echo version-1; sleep 600") });
        await OutputReads.UntilStoredContainsAsync(cp.Admin, _id, "reloaded", "version-1");

        await Processes.ReloadAsync(new ReloadProcessRequest { SandboxId = _id, Spec = Specs.Shell("reloaded", "echo version-2; sleep 600"), RestartNow = true });

        await OutputReads.UntilStoredContainsAsync(cp.Admin, _id, "reloaded", "version-2");
    }

    [Fact]
    public async Task Output_beyond_the_process_retention_is_pruned_and_reads_as_one_leading_gap()
    {
        const int Retention = 64 * 1024;
        const int StoredChunk = 64 * 1024;
        var spec = Specs.Shell("retained", "seq 1 80000; echo retained-done; sleep 600");
        spec.OutputRetentionBytes = Retention;
        var written = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 80000).Select(i => i + "\n")) + "retained-done\n");

        await Processes.AddAsync(new AddProcessRequest { SandboxId = _id, Spec = spec });
        await Waits.UntilAsync(
            async () =>
            {
                using var tail = Processes.Logs(new LogsRequest { SandboxId = _id, Process = "retained", TailBytes = 64 });
                var text = new StringBuilder();
                await foreach (var message in tail.ResponseStream.ReadAllAsync())
                {
                    text.Append(message.Output?.Data.ToStringUtf8());
                }

                return text.ToString();
            },
            t => t.EndsWith("retained-done\n", StringComparison.Ordinal),
            "the whole output stored");
        using var logs = Processes.Logs(new LogsRequest { SandboxId = _id, Process = "retained", Offset = 0 });
        var messages = new List<LogsResponse>();
        await foreach (var message in logs.ResponseStream.ReadAllAsync())
        {
            messages.Add(message);
        }

        var gap = messages[0].Gap;
        Assert.NotNull(gap);
        Assert.Equal(0UL, gap.Offset);
        Assert.All(messages.Skip(1), m => Assert.NotNull(m.Output));
        var kept = messages.Skip(1).SelectMany(m => m.Output.Data.ToByteArray()).ToArray();
        Assert.Equal(gap.Length, messages[1].Output.Offset);
        Assert.InRange(kept.Length, Retention, Retention + (2 * StoredChunk));
        Assert.Equal(written[(int)gap.Length..], kept);
    }

    [Fact]
    public async Task Removed_process_leaves_the_list_and_the_desired_state()
    {
        await Processes.AddAsync(new AddProcessRequest { SandboxId = _id, Spec = Specs.Shell("removed", "sleep 600") });

        await Processes.RemoveAsync(new ProcessRef { SandboxId = _id, Name = "removed" });

        var list = await Processes.ListAsync(new ListProcessesRequest { SandboxId = _id });
        var sandbox = await cp.Admin.Sandboxes.GetAsync(new GetSandboxRequest { Id = _id });
        Assert.DoesNotContain(list.Processes, p => p.Name == "removed");
        Assert.DoesNotContain(sandbox.Spec.Processes, p => p.Name == "removed");
    }

    [Fact]
    public async Task Exec_whose_caller_gives_up_has_its_command_killed_in_the_sandbox()
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"rdexec-{Guid.NewGuid():N}.pid");
        var command = new ExecCommand { Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(10)) };
        command.Command.Add(["/bin/sh", "-c", $"echo $$ > {pidFile}.tmp; mv {pidFile}.tmp {pidFile}; exec sleep 600"]);
        using var caller = new CancellationTokenSource();
        using var exec = Processes.Exec(new ExecRequest { SandboxId = _id, Command = command }, cancellationToken: caller.Token);
        var pid = int.Parse(await Waits.UntilAsync(() => Task.FromResult(File.Exists(pidFile) ? File.ReadAllText(pidFile) : ""), t => t.Length > 0, "the exec's pid"));

        await caller.CancelAsync();

        await Waits.UntilAsync(() => Task.FromResult(ProcessEnded(pid)), ended => ended, $"exec'd sleep {pid} killed");
        File.Delete(pidFile);
    }

    private static bool ProcessEnded(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return true;
        }
    }

    [Fact]
    public async Task Exec_streams_output_then_the_exit_code()
    {
        var command = new ExecCommand();
        command.Command.Add(["/bin/sh", "-c", "echo out-line; echo err-line >&2; exit 3"]);
        using var exec = Processes.Exec(new ExecRequest { SandboxId = _id, Command = command });
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        ExecExit? exit = null;

        await foreach (var message in exec.ResponseStream.ReadAllAsync())
        {
            if (message.Output is { } output)
            {
                (output.Kind == StreamKind.Stderr ? stderr : stdout).Append(output.Data.ToStringUtf8());
            }

            exit = message.Exit ?? exit;
        }

        Assert.Equal("out-line\n", stdout.ToString());
        Assert.Equal("err-line\n", stderr.ToString());
        Assert.Equal(3, exit!.ExitCode);
    }

    [Fact]
    public async Task Exec_of_a_command_a_signal_killed_ends_with_the_signal_name_and_no_exit_code()
    {
        var command = new ExecCommand();
        command.Command.Add(["/bin/sh", "-c", "kill -TERM $$"]);
        using var exec = Processes.Exec(new ExecRequest { SandboxId = _id, Command = command });
        ExecExit? exit = null;

        await foreach (var message in exec.ResponseStream.ReadAllAsync())
        {
            exit = message.Exit ?? exit;
        }

        Assert.Equal(new ExecExit { Signal = "SIGTERM" }, exit);
    }

    [Fact]
    public async Task Written_file_reads_back_identical()
    {
        var content = ByteString.CopyFrom(Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray());

        var written = await cp.Admin.Files.WriteAsync(new WriteFileRequest { SandboxId = _id, Path = "/tmp/rdcp-files-" + _id + "/data.bin", Content = content, Mode = 0x1A4 });
        var read = await cp.Admin.Files.ReadAsync(new ReadFileRequest { SandboxId = _id, Path = "/tmp/rdcp-files-" + _id + "/data.bin" });

        Assert.Equal((ulong)content.Length, written.Size);
        Assert.Equal(content, read.Content);
    }

    [Fact]
    public async Task Env_set_reaches_processes_and_list_shows_names_only()
    {
        var set = new SetEnvRequest { SandboxId = _id };
        set.Values["GREETING"] = "hello-env";

        await cp.Admin.Env.SetAsync(set);
        await Processes.AddAsync(new AddProcessRequest { SandboxId = _id, Spec = Specs.Shell("env-reader", "echo greeting=$GREETING; sleep 600") });
        var names = await cp.Admin.Env.ListAsync(new ListEnvRequest { SandboxId = _id });
        await OutputReads.UntilStoredContainsAsync(cp.Admin, _id, "env-reader", "greeting=hello-env");
        var unset = new UnsetEnvRequest { SandboxId = _id };
        unset.Names.Add("GREETING");
        var after = await cp.Admin.Env.UnsetAsync(unset);

        Assert.Equal(["GREETING"], names.Names);
        Assert.Empty(after.Names);
    }

    [Fact]
    public async Task Oversized_file_write_is_resource_exhausted()
    {
        var content = ByteString.CopyFrom(new byte[(4 * 1024 * 1024) + 1]);

        var error = await Assert.ThrowsAsync<RpcException>(() => cp.Admin.Files.WriteAsync(new WriteFileRequest { SandboxId = _id, Path = "big.bin", Content = content }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }
}

public sealed class ProcessApiTestsOnSqlite(SqliteControlPlane cp) : ProcessApiTests(cp), IClassFixture<SqliteControlPlane>;

public sealed class ProcessApiTestsOnPostgres(PostgresControlPlane cp) : ProcessApiTests(cp), IClassFixture<PostgresControlPlane>;
