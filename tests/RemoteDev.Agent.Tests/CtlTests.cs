using System.Net.Sockets;
using System.Text.Json;
using RemoteDev.Agent.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests;

public sealed class CtlTests(LinkFixture fixture) : IClassFixture<LinkFixture>
{
    private AgentProcess Agent => fixture.Link.Agent;

    [Fact]
    public async Task Status_reports_lifecycle_and_link()
    {
        await fixture.Link.WaitAsync(s => s.Lifecycle.Any(l => l.State == AgentLifecycle.Ready), "READY");

        var (code, stdout, _) = await Agent.CtlAsync("status");

        using var status = JsonDocument.Parse(stdout);
        Assert.Equal(0, code);
        Assert.Equal("Ready", status.RootElement.GetProperty("lifecycle").GetString());
        Assert.True(status.RootElement.GetProperty("connected").GetBoolean());
        Assert.Contains($"\"agentVersion\":\"{status.RootElement.GetProperty("agentVersion").GetString()}\"", stdout, StringComparison.Ordinal); // "1.0.0+sha", not "1.0.0\u002Bsha"
    }

    [Fact]
    public async Task Process_add_list_get_stop_start_restart_work_from_inside_the_sandbox()
    {
        var spec = Path.Combine(Agent.Root, "ctl-proc.json");
        await File.WriteAllTextAsync(spec, """{"name": "ctl-proc", "command": "sleep", "args": ["600"]}""");

        var add = await Agent.CtlAsync("process", "add", spec);
        await fixture.Link.StatusAsync("ctl-proc", ProcessState.Running);
        var list = await Agent.CtlAsync("process", "list");
        var stop = await Agent.CtlAsync("process", "stop", "ctl-proc");
        var start = await Agent.CtlAsync("process", "start", "ctl-proc");
        var restart = await Agent.CtlAsync("process", "restart", "ctl-proc", "--force");
        var get = await Agent.CtlAsync("process", "get", "ctl-proc");

        Assert.Equal([0, 0, 0, 0, 0, 0], new[] { add.ExitCode, list.ExitCode, stop.ExitCode, start.ExitCode, restart.ExitCode, get.ExitCode });
        Assert.Contains("\"ctl-proc\"", list.Stdout);
        Assert.Contains("PROCESS_STATE_STOPPED", stop.Stdout);
        Assert.Contains("\"name\": \"ctl-proc\"", get.Stdout);
    }

    [Fact]
    public async Task Reload_with_restart_now_applies_a_json_definition()
    {
        var spec = Path.Combine(Agent.Root, "ctl-reload.json");
        await File.WriteAllTextAsync(spec, """{"name": "ctl-reload", "command": "sleep", "args": ["600"]}""");
        await Agent.CtlAsync("process", "add", spec);
        var before = await fixture.Link.StatusAsync("ctl-reload", ProcessState.Running);
        await File.WriteAllTextAsync(spec, """{"name": "ctl-reload", "command": "sleep", "args": ["700"]}""");

        var after = await fixture.Link.RunsAgainAfterAsync("ctl-reload", before.Pid, async () =>
            Assert.Equal(0, (await Agent.CtlAsync("reload", spec, "--restart-now")).ExitCode));

        Assert.Equal("700", after.Spec.Args[0]);
    }

    [Fact]
    public async Task Logs_prints_the_output_and_follow_streams_new_output()
    {
        var marker = Path.Combine(Agent.Root, "more");
        var spec = Path.Combine(Agent.Root, "ctl-logs.json");
        await File.WriteAllTextAsync(spec, $$"""{"name": "ctl-logs", "command": "bash", "args": ["-c", "echo first line; while [ ! -e {{marker}} ]; do sleep 0.05; done; echo second line; exec sleep 600"]}""");
        await Agent.CtlAsync("process", "add", spec);
        await fixture.Link.WaitAsync(s => s.Streams.Any(kv => kv.Key.Process == "ctl-logs" && kv.Value.End > 0), "first line");

        var logs = await Agent.CtlAsync("logs", "ctl-logs");
        await using var follow = OutputLines.Start(AgentProcess.Binary, Agent.Socket, "ctl", "logs", "ctl-logs", "--follow");
        await follow.WaitForAsync("first line");
        await File.WriteAllTextAsync(marker, "");
        await follow.WaitForAsync("second line");

        Assert.Equal("first line\n", logs.Stdout);
    }

    [Fact]
    public async Task An_unknown_process_exits_1_with_the_reason()
    {
        var (code, _, stderr) = await Agent.CtlAsync("process", "stop", "ctl-nobody");

        Assert.Equal(1, code);
        Assert.Contains("NotFound", stderr);
    }

    [Fact]
    public async Task Logs_of_an_unknown_process_exits_1()
    {
        var (code, stdout, stderr) = await Agent.CtlAsync("logs", "ctl-nobody");

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Contains("NotFound", stderr);
    }

    [Fact]
    public void The_socket_is_owner_only()
    {
        var mode = File.GetUnixFileMode(Agent.Socket);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public async Task Status_while_every_connection_is_held_by_idle_clients_is_refused_at_once_saying_the_limit()
    {
        var idle = new List<Socket>();
        try
        {
            await HoldEverySlotAsync(idle);

            var (code, _, stderr) = await Agent.CtlAsync("status");

            Assert.Equal(1, code);
            Assert.Contains("ResourceExhausted: the agent serves at most 32 control connections at once", stderr, StringComparison.Ordinal);
        }
        finally
        {
            idle.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task A_connection_that_sends_no_request_is_answered_and_closed_after_5_s()
    {
        using var socket = await ConnectAsync();
        await using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream);

        var answer = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("no request line within 5 s", answer, StringComparison.Ordinal);
    }

    /// <summary>
    /// Opens 32 idle connections that the agent accepted. One that arrived while an earlier test's clients were still
    /// giving their slots back was refused (the busy line, then EOF: readable at once); it is replaced.
    /// </summary>
    private async Task HoldEverySlotAsync(List<Socket> idle)
    {
        while (true)
        {
            while (idle.Count < 32)
            {
                idle.Add(await ConnectAsync());
            }

            var readable = idle.ToList();
            Socket.Select(readable, null, null, 300_000);
            if (readable.Count == 0)
            {
                return;
            }

            readable.ForEach(s => s.Dispose());
            idle.RemoveAll(readable.Contains);
        }
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Agent.Socket));
        return socket;
    }
}
