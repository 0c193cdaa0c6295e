using System.Text;
using Google.Protobuf;
using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.EndToEnd;

/// <summary>Live attach (stdin, PTY, many attachers, replay) and stored logs.</summary>
public abstract class AttachAndLogsTests(ControlPlaneFixture cp) : IAsyncLifetime
{
    private string _id = "";

    public async Task InitializeAsync()
    {
        var created = await cp.Admin.Sandboxes.CreateAsync(Specs.Sandbox(
            "attach",
            Specs.Cat("cat"),
            Specs.PtyShell("tty"),
            Specs.Shell("counter", "i=0; while [ $i -lt 400 ]; do i=$((i+1)); echo line-$i; sleep 0.01; done; sleep 600")));
        _id = created.Id;
        await Waits.PhaseAsync(cp.Admin, _id, SandboxPhase.Ready);
    }

    public Task DisposeAsync() => cp.Admin.Sandboxes.DeleteAsync(new DeleteSandboxRequest { Id = _id }).ResponseAsync;

    [Fact]
    public async Task Stdin_sent_through_attach_comes_back_from_cat()
    {
        using var cts = new CancellationTokenSource(Waits.Generous);
        using var attach = cp.Admin.Processes.Attach(cancellationToken: cts.Token);
        await attach.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = _id, Process = "cat", Offset = 0 } });

        await attach.RequestStream.WriteAsync(new AttachRequest { Stdin = ByteString.CopyFromUtf8("ping-through-cat\n") });

        await OutputReads.AttachUntilAsync(attach.ResponseStream, new StringBuilder(), "ping-through-cat", cts.Token);
    }

    [Fact]
    public async Task Pty_shell_runs_typed_commands_and_sees_a_terminal()
    {
        using var cts = new CancellationTokenSource(Waits.Generous);
        using var attach = cp.Admin.Processes.Attach(cancellationToken: cts.Token);
        await attach.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = _id, Process = "tty", TailBytes = 0 } });

        await attach.RequestStream.WriteAsync(new AttachRequest { Resize = new TerminalSize { Rows = 40, Cols = 100 } });
        await attach.RequestStream.WriteAsync(new AttachRequest { Stdin = ByteString.CopyFromUtf8("test -t 0 && echo is-a-tty-$((6*7)); stty size\n") });

        var seen = await OutputReads.AttachUntilAsync(attach.ResponseStream, new StringBuilder(), "40 100", cts.Token);
        Assert.Contains("is-a-tty-42", seen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_attachers_see_identical_bytes_at_identical_offsets()
    {
        using var cts = new CancellationTokenSource(Waits.Generous);
        using var first = cp.Admin.Processes.Attach(cancellationToken: cts.Token);
        using var second = cp.Admin.Processes.Attach(cancellationToken: cts.Token);
        await first.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = _id, Process = "counter", Offset = 0 } });
        await second.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = _id, Process = "counter", Offset = 0 } });

        var a = await ReadUntilAsync(first.ResponseStream, "line-400\n", cts.Token);
        var b = await ReadUntilAsync(second.ResponseStream, "line-400\n", cts.Token);

        Assert.Equal(Expected(400), a);
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task Detach_ends_the_attach_and_the_process_keeps_running()
    {
        using var cts = new CancellationTokenSource(Waits.Generous);
        using (var attach = cp.Admin.Processes.Attach(cancellationToken: cts.Token))
        {
            await attach.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = _id, Process = "cat", TailBytes = 0 } });
            await attach.RequestStream.WriteAsync(new AttachRequest { Detach = true });
            while (await attach.ResponseStream.MoveNext(cts.Token))
            {
            }
        }

        var status = await cp.Admin.Processes.GetAsync(new GetProcessRequest { SandboxId = _id, Name = "cat" });
        Assert.Equal(ProcessState.Running, status.State);
    }

    [Fact]
    public async Task Attach_to_a_process_the_sandbox_never_had_is_not_found()
    {
        using var cts = new CancellationTokenSource(Waits.Generous);
        using var attach = cp.Admin.Processes.Attach(cancellationToken: cts.Token);
        await attach.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = _id, Process = "countr", TailBytes = 0 } });

        var status = await OutputReads.AttachEndAsync(attach.ResponseStream, cts.Token);

        Assert.Equal(StatusCode.NotFound, status.StatusCode);
        Assert.Contains("open.process: sandbox " + _id + " has no process 'countr'", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_scope_key_watches_live_output_through_attach()
    {
        using var reader = await ReaderAsync();
        using var cts = new CancellationTokenSource(Waits.Generous);
        using var attach = reader.Processes.Attach(cancellationToken: cts.Token);
        await attach.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = _id, Process = "counter", Offset = 0 } });

        var seen = await ReadUntilAsync(attach.ResponseStream, "line-400\n", cts.Token);

        Assert.Equal(Expected(400), seen);
    }

    [Fact]
    public async Task Read_scope_key_sending_stdin_through_attach_is_denied_naming_the_scope_after_whole_output()
    {
        using var reader = await ReaderAsync();
        using var cts = new CancellationTokenSource(Waits.Generous);
        using var attach = reader.Processes.Attach(cancellationToken: cts.Token);
        await attach.RequestStream.WriteAsync(new AttachRequest { Open = new AttachOpen { SandboxId = _id, Process = "counter", Offset = 0 } });
        var seen = await ReadUntilAsync(attach.ResponseStream, "line-400\n", cts.Token);

        await attach.RequestStream.WriteAsync(new AttachRequest { Stdin = ByteString.CopyFromUtf8("typed\n") });
        var status = await OutputReads.AttachEndAsync(attach.ResponseStream, cts.Token);

        Assert.Equal(Expected(400), seen);
        Assert.Equal(StatusCode.PermissionDenied, status.StatusCode);
        Assert.Contains("stdin: needs scope SCOPE_EXECUTE", status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_of_a_process_the_sandbox_never_had_is_not_found()
    {
        using var logs = cp.Admin.Processes.Logs(new LogsRequest { SandboxId = _id, Process = "countr" });

        var error = await Assert.ThrowsAsync<RpcException>(() => OutputReads.CollectAsync(logs.ResponseStream));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("no process 'countr'", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_follow_of_an_exiting_process_ends_after_its_last_byte()
    {
        var script = "head -c 3000000 /dev/zero | tr '\\0' 'x'; echo; echo the-very-end";
        var spec = Specs.Shell("finite", script, RestartPolicy.Never);
        spec.OutputBufferBytes = 16 * 1024 * 1024;
        await cp.Admin.Processes.AddAsync(new AddProcessRequest { SandboxId = _id, Spec = spec });

        using var logs = cp.Admin.Processes.Logs(new LogsRequest { SandboxId = _id, Process = "finite", Offset = 0, Follow = true });
        var bytes = await OutputReads.CollectAsync(logs.ResponseStream);

        Assert.Equal(3_000_000 + 1 + "the-very-end\n".Length, bytes.Length);
        Assert.EndsWith("x\nthe-very-end\n", Encoding.ASCII.GetString(bytes[^20..]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_follow_of_a_removed_process_ends_with_every_byte_it_wrote()
    {
        await cp.Admin.Processes.AddAsync(new AddProcessRequest { SandboxId = _id, Spec = Specs.Shell("chatty", "i=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.005; done") });
        using var logs = cp.Admin.Processes.Logs(new LogsRequest { SandboxId = _id, Process = "chatty", Offset = 0, Follow = true }, deadline: DateTime.UtcNow + Waits.Generous);
        var following = OutputReads.CollectAsync(logs.ResponseStream);
        await OutputReads.UntilStoredContainsAsync(cp.Admin, _id, "chatty", "tick-50\n");

        await cp.Admin.Processes.RemoveAsync(new ProcessRef { SandboxId = _id, Name = "chatty" });

        var followed = await following;
        Assert.Contains("tick-50\n", Encoding.ASCII.GetString(followed), StringComparison.Ordinal);
        Assert.Equal(await OutputReads.StoredAsync(cp.Admin, _id, "chatty"), followed);
    }

    [Fact]
    public async Task Logs_of_an_exited_process_replay_from_an_offset_and_a_tail()
    {
        await cp.Admin.Processes.AddAsync(new AddProcessRequest { SandboxId = _id, Spec = Specs.Shell("short", "echo first-line; echo second-line", RestartPolicy.Never) });
        await Waits.ProcessStateAsync(cp.Admin, _id, "short", ProcessState.Exited);
        await OutputReads.UntilStoredContainsAsync(cp.Admin, _id, "short", "second-line");

        using var fromOffset = cp.Admin.Processes.Logs(new LogsRequest { SandboxId = _id, Process = "short", Offset = 11 });
        using var tail = cp.Admin.Processes.Logs(new LogsRequest { SandboxId = _id, Process = "short", TailBytes = 5 });
        var afterFirst = (await fromOffset.ResponseStream.ReadAllAsync().ToListAsync()).Single().Output;
        var last = (await tail.ResponseStream.ReadAllAsync().ToListAsync()).Single().Output;

        Assert.Equal("second-line\n", afterFirst.Data.ToStringUtf8());
        Assert.Equal(11UL, afterFirst.Offset);
        Assert.Equal("line\n", last.Data.ToStringUtf8());
    }

    private async Task<OperatorClient> ReaderAsync()
    {
        var created = await cp.Admin.ApiKeys.CreateAsync(new CreateApiKeyRequest { Name = "attach-reader", Scope = Scope.Read });
        return cp.ClientWith(created.Token);
    }

    private static string Expected(int lines) => string.Concat(Enumerable.Range(1, lines).Select(i => $"line-{i}\n"));

    private static async Task<string> ReadUntilAsync(IAsyncStreamReader<AttachResponse> stream, string end, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        ulong next = 0;
        while (!text.ToString().EndsWith(end, StringComparison.Ordinal))
        {
            Assert.True(await stream.MoveNext(cancellationToken));
            if (stream.Current.Output is { } chunk)
            {
                Assert.Equal(next, chunk.Offset);
                next += (ulong)chunk.Data.Length;
                text.Append(chunk.Data.ToStringUtf8());
            }
        }

        return text.ToString();
    }
}

public sealed class AttachAndLogsTestsOnSqlite(SqliteControlPlane cp) : AttachAndLogsTests(cp), IClassFixture<SqliteControlPlane>;

public sealed class AttachAndLogsTestsOnPostgres(PostgresControlPlane cp) : AttachAndLogsTests(cp), IClassFixture<PostgresControlPlane>;
