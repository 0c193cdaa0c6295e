using RemoteDev.ProcessSpecs;
using Google.Protobuf.WellKnownTypes;
using S = RemoteDev.Supervisor;
using V1 = RemoteDev.V1;

namespace RemoteDev.Agent.Hosting;

/// <summary>The supervisor's status, events and enums in remotedev.v1 form.</summary>
internal static class StatusMapping
{
    public static V1.ProcessStatus ToProto(S.ProcessStatus status)
    {
        var proto = new V1.ProcessStatus
        {
            Name = status.Name,
            State = State(status.State),
            Health = Health(status.Health),
            Pid = status.Pid ?? 0,
            RestartCount = status.RestartCount,
            Signal = status.Signal ?? "",
            Reason = status.Reason,
            Since = Timestamp.FromDateTimeOffset(status.Since),
            StartedAt = status.StartedAt is { } started ? Timestamp.FromDateTimeOffset(started) : null,
            Spec = SpecMapping.ToProto(status.Spec),
            OutputStart = status.OutputStart,
            OutputEnd = status.OutputEnd,
            OutputEpoch = status.OutputEpoch,
        };
        if (status.ExitCode is { } code)
        {
            proto.ExitCode = code;
        }

        if (status.EffectiveEnv is { } env)
        {
            proto.EffectiveEnv.Add(new Dictionary<string, string>(env));
        }

        return proto;
    }

    public static V1.ProcessEvent ToProto(S.ProcessEvent e)
    {
        var proto = new V1.ProcessEvent
        {
            Seq = e.Seq,
            Process = e.Process,
            State = State(e.State),
            Previous = State(e.Previous),
            Reason = e.Kind == S.ProcessEventKind.Transition ? e.Reason : $"{e.Kind}: {e.Reason}",
            Signal = e.Signal ?? "",
            RestartCount = e.RestartCount,
            Time = Timestamp.FromDateTimeOffset(e.Time),
            Health = Health(e.Health),
            Pid = e.Pid ?? 0,
            Kind = Kind(e.Kind),
        };
        if (e.ExitCode is { } code)
        {
            proto.ExitCode = code;
        }

        if (e.OutputEnd is { } end)
        {
            proto.OutputEnd = end.Offset;
            proto.OutputEpoch = end.Epoch;
        }

        return proto;
    }

    private static V1.ProcessEventKind Kind(S.ProcessEventKind kind) => kind switch
    {
        S.ProcessEventKind.Transition => V1.ProcessEventKind.Transition,
        S.ProcessEventKind.Health => V1.ProcessEventKind.Health,
        S.ProcessEventKind.EnvChanged => V1.ProcessEventKind.EnvChanged,
        S.ProcessEventKind.EnvFileError => V1.ProcessEventKind.EnvFileError,
        S.ProcessEventKind.Reloaded => V1.ProcessEventKind.Reloaded,
        S.ProcessEventKind.Removed => V1.ProcessEventKind.Removed,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static V1.ProcessState State(S.ProcessState state) => state switch
    {
        S.ProcessState.Pending => V1.ProcessState.Pending,
        S.ProcessState.Starting => V1.ProcessState.Starting,
        S.ProcessState.Running => V1.ProcessState.Running,
        S.ProcessState.Stopping => V1.ProcessState.Stopping,
        S.ProcessState.Stopped => V1.ProcessState.Stopped,
        S.ProcessState.Exited => V1.ProcessState.Exited,
        S.ProcessState.Backoff => V1.ProcessState.Backoff,
        S.ProcessState.CrashLoop => V1.ProcessState.CrashLoop,
        S.ProcessState.Failed => V1.ProcessState.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>Null for UNSPECIFIED or an unknown value.</summary>
    public static S.ProcessState? State(V1.ProcessState state) => state switch
    {
        V1.ProcessState.Pending => S.ProcessState.Pending,
        V1.ProcessState.Starting => S.ProcessState.Starting,
        V1.ProcessState.Running => S.ProcessState.Running,
        V1.ProcessState.Stopping => S.ProcessState.Stopping,
        V1.ProcessState.Stopped => S.ProcessState.Stopped,
        V1.ProcessState.Exited => S.ProcessState.Exited,
        V1.ProcessState.Backoff => S.ProcessState.Backoff,
        V1.ProcessState.CrashLoop => S.ProcessState.CrashLoop,
        V1.ProcessState.Failed => S.ProcessState.Failed,
        _ => null,
    };

    public static V1.HealthStatus Health(S.HealthStatus health) => health switch
    {
        S.HealthStatus.None => V1.HealthStatus.Unspecified,
        S.HealthStatus.Unknown => V1.HealthStatus.Unknown,
        S.HealthStatus.Healthy => V1.HealthStatus.Healthy,
        S.HealthStatus.Unhealthy => V1.HealthStatus.Unhealthy,
        _ => throw new ArgumentOutOfRangeException(nameof(health), health, null),
    };

    public static V1.StreamKind Stream(S.StreamKind kind) => kind switch
    {
        S.StreamKind.Stdout => V1.StreamKind.Stdout,
        S.StreamKind.Stderr => V1.StreamKind.Stderr,
        S.StreamKind.Pty => V1.StreamKind.Pty,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
