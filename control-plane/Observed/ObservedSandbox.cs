using System.Collections.Immutable;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Observed;

/// <summary>
/// An immutable snapshot of what a sandbox's agent last reported. <see cref="RemovedOutputEnds"/>: processes the
/// agent removed while connected, with where their output ended (in the agent's offsets).
/// </summary>
internal sealed record ObservedSandbox(
    bool Connected,
    AgentLifecycle Lifecycle,
    string LifecycleReason,
    ImmutableDictionary<string, ProcessStatus> Processes,
    ImmutableDictionary<string, AgentOffset> RemovedOutputEnds,
    ResourceUsage? Usage,
    ulong AppliedGeneration,
    DateTimeOffset? SeenAt,
    DateTimeOffset? DisconnectedAt)
{
    public static ObservedSandbox Never { get; } = new(
        false, AgentLifecycle.Unspecified, "", ImmutableDictionary<string, ProcessStatus>.Empty, ImmutableDictionary<string, AgentOffset>.Empty, null, 0, null, null);
}

/// <summary>An offset the agent reported, in its offset space <paramref name="Epoch"/>.</summary>
internal readonly record struct AgentOffset(string Epoch, ulong Offset);
