using RemoteDev.Agent.Hosting;
using RemoteDev.V1;

namespace RemoteDev.Agent.Lifecycle;

/// <summary>
/// Decides READY (every required initial process running, and healthy if it has a check) or START_ERROR (a required
/// process failed or exited) from the process states, re-evaluated on every transition until READY.
/// </summary>
internal sealed class ReadinessWatcher(IProcessHost host, IReadOnlySet<string> required)
{
    public async Task RunAsync(Func<AgentLifecycle, string, Task> report, CancellationToken cancellationToken)
    {
        var events = host.SubscribeEvents();
        try
        {
            var last = AgentLifecycle.Starting;
            while (true)
            {
                var (state, reason) = Evaluate();
                if (state != last)
                {
                    await report(state, reason);
                    last = state;
                }

                if (state == AgentLifecycle.Ready || await NextAsync(cancellationToken) is null)
                {
                    return;
                }
            }
        }
        finally
        {
            events.Dispose();
        }

        // Any event is only a cue to re-evaluate; a subscriber that fell behind just subscribes again.
        async Task<bool?> NextAsync(CancellationToken token)
        {
            try
            {
                return await events.ReadAsync(token) is null ? null : true;
            }
            catch (Supervisor.EventsLostException)
            {
                events.Dispose();
                events = host.SubscribeEvents();
                return true;
            }
        }
    }

    private (AgentLifecycle State, string Reason) Evaluate()
    {
        var statuses = host.List([]).Where(p => required.Contains(p.Name)).ToDictionary(p => p.Name);
        foreach (var name in required)
        {
            if (!statuses.TryGetValue(name, out var status))
            {
                return (AgentLifecycle.StartError, $"required process {name} is not supervised");
            }

            if (status.State is ProcessState.Failed or ProcessState.Exited or ProcessState.CrashLoop)
            {
                return (AgentLifecycle.StartError, $"required process {name} is {status.State}: {status.Reason}");
            }
        }

        var waiting = statuses.Values.FirstOrDefault(s => s.State != ProcessState.Running || s.Health is not (HealthStatus.Unspecified or HealthStatus.Healthy));
        return waiting is null
            ? (AgentLifecycle.Ready, required.Count == 0 ? "no required processes" : "required processes running and healthy")
            : (AgentLifecycle.Starting, $"waiting for {waiting.Name} ({waiting.State}, health {waiting.Health})");
    }
}
