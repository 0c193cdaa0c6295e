using Google.Protobuf.WellKnownTypes;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests.Infrastructure;

/// <summary>A test gateway and a real agent connected to it.</summary>
internal sealed class LinkHarness : IAsyncDisposable
{
    public const string Token = "test-token-0123456789";

    private LinkHarness(TestGateway gateway, AgentProcess agent)
    {
        Gateway = gateway;
        Agent = agent;
    }

    public TestGateway Gateway { get; }

    public AgentProcess Agent { get; }

    public GatewayState State => Gateway.State;

    public static async Task<LinkHarness> StartAsync(string? processFileJson, string agentToken = Token)
    {
        var sandboxId = "sbx-" + Guid.NewGuid().ToString("N")[..8];
        var gateway = await TestGateway.StartAsync(new GatewayState(sandboxId, Token));
        var agent = AgentProcess.Start(gateway.Url, sandboxId, agentToken, processFileJson);
        return new LinkHarness(gateway, agent);
    }

    public Task<T> WaitAsync<T>(Func<GatewayState, T?> condition, string what) =>
        State.WaitAsync(condition, AgentProcess.Patience, () => what + "\nagent log:\n" + Agent.Log);

    public Task<AgentHello> HelloAsync(int count) => WaitAsync(s => s.Hellos.Count >= count ? s.Hellos[count - 1] : null, $"hello #{count}");

    /// <summary>Sends a command on the link and waits for its one result.</summary>
    public Task<CommandResult> RunAsync(Command command) =>
        State.RunAsync(command, AgentProcess.Patience, () => "\nagent log:\n" + Agent.Log);

    /// <summary>Waits (with the Wait command) until the process is in <paramref name="state"/>.</summary>
    public async Task<ProcessStatus> StatusAsync(string name, ProcessState state)
    {
        var result = await RunAsync(new Command
        {
            Timeout = Duration.FromTimeSpan(AgentProcess.Patience),
            Wait = new WaitProcess { Name = name, State = state, Timeout = Duration.FromTimeSpan(AgentProcess.Patience - TimeSpan.FromSeconds(5)) },
        });
        return result.Process ?? throw new InvalidOperationException($"{name} never reached {state}: {result}\nagent log:\n{Agent.Log}");
    }

    /// <summary>Waits for an event reporting <paramref name="name"/> in <paramref name="state"/>.</summary>
    public Task<ProcessEvent> EventAsync(string name, ProcessState state) =>
        WaitAsync(s => s.Events.FirstOrDefault(e => e.Process == name && e.State == state), $"{name} {state} event");

    /// <summary>
    /// Runs <paramref name="action"/> and waits until <paramref name="name"/> runs again with a pid other than
    /// <paramref name="oldPid"/> (as reported by an event after the action began).
    /// </summary>
    public async Task<ProcessStatus> RunsAgainAfterAsync(string name, int oldPid, Func<Task> action)
    {
        var from = State.Read(s => s.Events.Count);
        await action();
        await WaitAsync(s => s.Events.Skip(from).Any(e => e.Process == name && e.State == ProcessState.Running && e.Pid != oldPid), $"{name} running again with a new pid");
        return (await RunAsync(new Command { Get = new GetProcess { Name = name } })).Process;
    }

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await Gateway.DisposeAsync();
    }
}
