using Google.Protobuf.WellKnownTypes;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// Stored sandboxes as the operator sees them: the recorded status overlaid with the live agent state, env values
/// redacted (<see cref="EnvRedaction"/>).
/// </summary>
internal sealed class SandboxViews(ObservedState observed)
{
    public Sandbox ToProto(SandboxRecord record)
    {
        var sandbox = new Sandbox
        {
            Id = record.Id,
            Name = record.Name,
            Project = record.Project,
            Spec = EnvRedaction.Spec(record.Spec),
            Status = record.Status.Clone(),
            CreatedAt = Timestamp.FromDateTimeOffset(record.CreatedAt),
        };
        foreach (var (key, value) in record.Labels)
        {
            sandbox.Labels[key] = value;
        }
        var agent = observed.Get(record.Id);
        sandbox.Status.Generation = (ulong)record.Generation;
        sandbox.Status.AgentConnected = agent.Connected;
        if (agent.SeenAt is { } seen)
        {
            sandbox.Status.AgentSeenAt = Timestamp.FromDateTimeOffset(seen);
        }

        if (agent.Connected)
        {
            sandbox.Status.AgentLifecycle = agent.Lifecycle;
            sandbox.Status.ObservedGeneration = agent.AppliedGeneration;
            sandbox.Status.Processes.Clear();
            sandbox.Status.Processes.Add(agent.Processes.Values.OrderBy(p => p.Name, StringComparer.Ordinal));
            sandbox.Status.Usage = agent.Usage;
        }

        // Output offsets come from Processes.Get and List (ProcessStatusViews): what the agent last reported here is in
        // its own offsets, and stale.
        for (var i = 0; i < sandbox.Status.Processes.Count; i++)
        {
            var process = EnvRedaction.Status(sandbox.Status.Processes[i]);
            process.OutputStart = 0;
            process.OutputEnd = 0;
            process.OutputEpoch = "";
            sandbox.Status.Processes[i] = process;
        }

        return sandbox;
    }
}
