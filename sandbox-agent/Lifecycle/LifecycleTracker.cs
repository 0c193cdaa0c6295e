using Google.Protobuf.WellKnownTypes;
using RemoteDev.V1;

namespace RemoteDev.Agent.Lifecycle;

/// <summary>The agent's lifecycle state. Once shutting down, only OFF may follow.</summary>
internal sealed class LifecycleTracker(TimeProvider time)
{
    private readonly Lock _gate = new();
    private LifecycleReport _current = new()
    {
        State = AgentLifecycle.Created,
        Reason = "agent started",
        Time = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
    };

    public LifecycleReport Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>The new report, or null when the transition is not allowed (the agent is already shutting down).</summary>
    public LifecycleReport? TrySet(AgentLifecycle state, string reason)
    {
        lock (_gate)
        {
            var shuttingDown = _current.State is AgentLifecycle.ShuttingDown or AgentLifecycle.Off;
            if (shuttingDown && state != AgentLifecycle.Off)
            {
                return null;
            }

            _current = new LifecycleReport { State = state, Reason = reason, Time = Timestamp.FromDateTimeOffset(time.GetUtcNow()) };
            return _current;
        }
    }
}
