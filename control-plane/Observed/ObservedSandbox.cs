using System.Collections.Immutable;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Observed;

/// <summary>An immutable snapshot of what a sandbox's agent last reported.</summary>
internal sealed record ObservedSandbox(
    bool Connected,
    AgentLifecycle Lifecycle,
    string LifecycleReason,
    ImmutableDictionary<string, ProcessStatus> Processes,
    ResourceUsage? Usage,
    ulong AppliedGeneration,
    DateTimeOffset? SeenAt,
    DateTimeOffset? DisconnectedAt)
{
    public static ObservedSandbox Never { get; } = new(
        false, AgentLifecycle.Unspecified, "", ImmutableDictionary<string, ProcessStatus>.Empty, null, 0, null, null);
}
