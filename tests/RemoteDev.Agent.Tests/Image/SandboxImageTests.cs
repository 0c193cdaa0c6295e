using RemoteDev.Agent.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests.Image;

/// <summary>
/// The sandbox image as a driver runs it: tini as PID 1, the shipped agent dialing out to a control plane on the
/// host's loopback, the image's own initial process file.
/// </summary>
public sealed class SandboxImageTests(SandboxImage image) : IClassFixture<SandboxImage>, IAsyncLifetime
{
    private const string Token = "image-test-token-0123456789";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(1);

    private readonly GatewayState _state = new("sbx-" + Guid.NewGuid().ToString("N")[..8], Token);
    private TestGateway _gateway = null!;
    private SandboxContainer _container = null!;

    public async Task InitializeAsync()
    {
        _gateway = await TestGateway.StartAsync(_state);
        _container = await SandboxContainer.StartAsync(image.Tag, _gateway.Url, _state.SandboxId, Token);
    }

    public async Task DisposeAsync()
    {
        await _container.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Tini_runs_the_agent_which_dials_out_runs_the_image_initial_process_and_stays_the_OOM_victim_last()
    {
        var hello = await WaitAsync(s => s.Hellos.FirstOrDefault(), "hello");
        await WaitAsync(s => s.Lifecycle.FirstOrDefault(l => l.State == AgentLifecycle.Ready), "READY");
        var setup = await WaitAsync(s => s.Events.FirstOrDefault(e => e.Process == "workspace-ready" && e.State == ProcessState.Exited), "workspace-ready exited");
        var shell = await RunAsync(new Command { Add = Specs.Shell("shell", "exec sleep 600") });
        await WaitAsync(s => s.Events.FirstOrDefault(e => e.Process == "shell" && e.State == ProcessState.Running), "shell running");

        var processes = await ProcessesAsync();
        var agent = processes.Single(p => p.Command == "remotedev-agent");
        var sleep = processes.Single(p => p.Command == "sleep");
        Assert.Equal(_state.SandboxId, hello.SandboxId);
        Assert.Equal(Token, hello.Token);
        Assert.Equal(0, setup.ExitCode);
        Assert.Equal(0, shell.Code);
        Assert.Equal("tini", processes.Single(p => p.Pid == 1).Command);
        Assert.Equal(1, agent.ParentPid);
        Assert.Equal(agent.Pid, sleep.ParentPid);
        Assert.True(await OomScoreAdjAsync(sleep.Pid) > await OomScoreAdjAsync(agent.Pid), "a child's oom_score_adj is above the agent's");
    }

    [Fact]
    public async Task Orphans_left_by_sandbox_processes_are_reaped_and_no_zombie_remains()
    {
        await WaitAsync(s => s.Hellos.FirstOrDefault(), "hello");
        // Each subshell exits at once, so its sleep is orphaned to PID 1 and exits 0.2 s later.
        await RunAsync(new Command { Add = Specs.Shell("forker", "for i in $(seq 20); do (sleep 0.2 &); done; exec sleep 600") });
        await WaitAsync(s => s.Events.FirstOrDefault(e => e.Process == "forker" && e.State == ProcessState.Running), "forker running");

        var processes = await ProcessesAsync();
        using var cts = new CancellationTokenSource(Patience);
        while (processes.Count(p => p.Command == "sleep") > 1 || processes.Any(p => p.State.StartsWith('Z')))
        {
            Assert.False(cts.IsCancellationRequested, "orphans or zombies remain:\n" + string.Join('\n', processes));
            await Task.Delay(200);
            processes = await ProcessesAsync();
        }

        Assert.DoesNotContain(processes, p => p.State.StartsWith('Z'));
    }

    [Fact]
    public async Task Docker_stop_reports_shutting_down_stops_dependents_first_reports_off_and_the_container_exits_0()
    {
        await WaitAsync(s => s.Hellos.FirstOrDefault(), "hello");
        var db = Specs.Shell("db", "exec sleep 600");
        var web = Specs.Shell("web", "exec sleep 600");
        web.DependsOn.Add(new Dependency { Process = new ProcessDependency { Name = "db" } });
        await RunAsync(new Command { Add = db });
        await RunAsync(new Command { Add = web });
        await WaitAsync(s => s.Events.FirstOrDefault(e => e.Process == "web" && e.State == ProcessState.Running), "web running");

        await _container.StopAsync(TimeSpan.FromSeconds(30));
        var exitCode = await _container.ExitCodeAsync();

        var lifecycle = _state.Read(s => s.Lifecycle.Select(l => l.State).ToList());
        var stopped = _state.Read(s => s.Events.Where(e => e.State == ProcessState.Stopped).Select(e => e.Process).ToList());
        Assert.Equal(0, exitCode);
        Assert.Equal([AgentLifecycle.ShuttingDown, AgentLifecycle.Off], lifecycle.SkipWhile(l => l != AgentLifecycle.ShuttingDown));
        Assert.Equal(["web", "db"], stopped);
    }

    [Fact]
    public async Task Sandbox_usage_is_read_from_the_container_own_cgroup()
    {
        await WaitAsync(s => s.Hellos.FirstOrDefault(), "hello");
        var usage = await WaitAsync(s => s.Usage.LastOrDefault(u => u.Sandbox.MemoryBytes > 0), "a usage report");

        var cgroupMemory = ulong.Parse(await _container.ExecAsync("sh", "-c",
            "cat /sys/fs/cgroup/memory.current 2>/dev/null || cat /sys/fs/cgroup/memory/memory.usage_in_bytes"));
        Assert.Matches("Sandbox resources from cgroup V[12]", await _container.LogsAsync());
        Assert.InRange(usage.Sandbox.MemoryBytes, cgroupMemory / 2, cgroupMemory * 2);
        Assert.True(usage.Sandbox.CpuUsec > 0);
    }

    private async Task<T> WaitAsync<T>(Func<GatewayState, T?> condition, string what)
    {
        try
        {
            return await _state.WaitAsync(condition, Patience, () => what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\ncontainer log:\n" + await _container.LogsAsync(), e);
        }
    }

    private async Task<CommandResult> RunAsync(Command command)
    {
        await WaitAsync(s => s.Hellos.FirstOrDefault(), "a session to send the command on");
        return await _state.RunAsync(command, Patience, () => "");
    }

    private async Task<List<ContainerProcess>> ProcessesAsync()
    {
        var table = await _container.ExecAsync("ps", "-eo", "pid=,ppid=,stat=,comm=");
        return table.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries))
            .Select(f => new ContainerProcess(int.Parse(f[0]), int.Parse(f[1]), f[2], f[3].Trim()))
            .Where(p => p.Command != "ps")
            .ToList();
    }

    private async Task<int> OomScoreAdjAsync(int pid) => int.Parse(await _container.ExecAsync("cat", $"/proc/{pid}/oom_score_adj"));

    private sealed record ContainerProcess(int Pid, int ParentPid, string State, string Command);
}
