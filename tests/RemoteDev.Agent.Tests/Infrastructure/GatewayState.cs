using System.Threading.Channels;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests.Infrastructure;

/// <summary>
/// The test control plane's durable state and everything it received. It survives a gateway crash, like a control
/// plane's database survives a kill -9. All members are guarded by one lock; waiters are woken on every change.
/// </summary>
internal sealed class GatewayState(string sandboxId, string token)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Channel<ControlMessage>? _session;

    public string SandboxId { get; } = sandboxId;

    public string Token { get; set; } = token;

    public DesiredSandbox Desired { get; set; } = new();

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan UsageInterval { get; set; } = TimeSpan.FromSeconds(1);

    public Dictionary<(string Process, string Epoch), StoredStream> Streams { get; } = [];

    public List<AgentHello> Hellos { get; } = [];

    public List<string?> AuthorizationHeaders { get; } = [];

    public List<string> Rejections { get; } = [];

    public List<LifecycleReport> Lifecycle { get; } = [];

    public List<ProcessEvent> Events { get; } = [];

    /// <summary>Lifecycle reports ("lifecycle READY", the hello's included) and process events ("event NAME") in the order they arrived.</summary>
    public List<string> Arrivals { get; } = [];

    public List<ResourceUsage> Usage { get; } = [];

    public int Heartbeats { get; set; }

    /// <summary>A hung control plane: the connection stays open but nothing is answered after the HelloAck.</summary>
    public bool Silent { get; set; }

    /// <summary>A control plane that breaks the protocol: the HelloAck's heartbeat interval is not a valid Duration.</summary>
    public bool MalformedHelloAck { get; set; }

    /// <summary>A control plane that accepts the hello and ends the call right after its HelloAck.</summary>
    public bool HangUpAfterHelloAck { get; set; }

    public Dictionary<string, CommandResult> Results { get; } = [];

    /// <summary>The id of every result received, in order (a command answered twice is here twice).</summary>
    public List<string> ResultIds { get; } = [];

    public Dictionary<string, MemoryStream> ExecOutput { get; } = [];

    /// <summary>Exec commands whose output is not credited back: their reader has stopped reading.</summary>
    public HashSet<string> CreditWithheld { get; } = [];

    public T Read<T>(Func<GatewayState, T> read)
    {
        lock (_gate)
        {
            return read(this);
        }
    }

    public void Update(Action<GatewayState> update)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            update(this);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Waits until <paramref name="condition"/> holds (checked on every change) and returns the read value.</summary>
    public async Task<T> WaitAsync<T>(Func<GatewayState, T?> condition, TimeSpan timeout, Func<string> what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(this) is { } value && value is not false)
                {
                    return value;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"gave up after {timeout.TotalSeconds} s waiting for: {what()}");
            }
        }
    }

    /// <summary>The output window of the execs the test control plane sends, as the real one's.</summary>
    public const uint ExecOutputWindow = 1024 * 1024;

    /// <summary>Sends a command on the current session and waits for its one result.</summary>
    public async Task<CommandResult> RunAsync(Command command, TimeSpan timeout, Func<string> context)
    {
        command.Id = Guid.NewGuid().ToString("N");
        command.Timeout ??= Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(30));
        if (command.OpCase == Command.OpOneofCase.Exec && command.OutputWindow == 0)
        {
            command.OutputWindow = ExecOutputWindow;
        }

        Send(new ControlMessage { Command = command });
        return await WaitAsync(s => s.Results.GetValueOrDefault(command.Id), timeout, () => $"result of {command.OpCase}{context()}");
    }

    public StoredStream Stream(string process, string epoch)
    {
        if (!Streams.TryGetValue((process, epoch), out var stream))
        {
            stream = new StoredStream();
            Streams[(process, epoch)] = stream;
        }

        return stream;
    }

    public Channel<ControlMessage> Attach()
    {
        var session = Channel.CreateUnbounded<ControlMessage>();
        Update(s => s._session = session);
        return session;
    }

    /// <summary>Sends a control message on the current session (the test's commands and desired sets).</summary>
    public void Send(ControlMessage message)
    {
        var session = Read(s => s._session) ?? throw new InvalidOperationException("no agent session");
        session.Writer.TryWrite(message);
    }
}
