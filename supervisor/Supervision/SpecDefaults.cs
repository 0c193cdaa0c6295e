namespace RemoteDev.Supervisor.Supervision;

/// <summary>The documented defaults, applied where a spec leaves a setting unset.</summary>
internal static class SpecDefaults
{
    public static readonly TimeSpan FixedDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MinUptime = TimeSpan.FromSeconds(10);
    public static readonly CrashLoopSpec CrashLoop = new(5, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan EnvReloadDelay = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan HealthInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(5);
    public const uint HealthFailureThreshold = 3;

    public static BackoffSpec Backoff(ProcessSpec spec) => spec.Backoff ?? new FixedBackoff(FixedDelay);

    public static TimeSpan Grace(ProcessSpec spec) => spec.StopGrace ?? StopGrace;

    public static EnvReloadSpec EnvReload(ProcessSpec spec) => spec.EnvReload ?? new EnvReloadAfter(EnvReloadDelay);
}
