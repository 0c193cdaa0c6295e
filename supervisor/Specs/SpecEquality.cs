namespace RemoteDev.Supervisor.Specs;

/// <summary>Field-by-field equality of specs: records compare their list and map fields by reference, so those are compared here.</summary>
internal static class SpecEquality
{
    private static readonly IReadOnlyDictionary<string, string> NoEnv = new Dictionary<string, string>();

    public static bool Same(ProcessSpec a, ProcessSpec b) =>
        Scalars(a) == Scalars(b)
        && a.Tags.SequenceEqual(b.Tags)
        && a.Args.SequenceEqual(b.Args)
        && a.EnvFiles.SequenceEqual(b.EnvFiles)
        && a.PermanentFailureExitCodes.SequenceEqual(b.PermanentFailureExitCodes)
        && a.DependsOn.SequenceEqual(b.DependsOn)
        && a.Env.Count == b.Env.Count
        && a.Env.All(p => b.Env.TryGetValue(p.Key, out var v) && v == p.Value)
        && ExecCommand(a).SequenceEqual(ExecCommand(b));

    private static ProcessSpec Scalars(ProcessSpec spec) => spec with
    {
        Tags = [],
        Args = [],
        EnvFiles = [],
        PermanentFailureExitCodes = [],
        DependsOn = [],
        Env = NoEnv,
        HealthCheck = spec.HealthCheck is { Probe: ExecProbe } check ? check with { Probe = new ExecProbe([]) } : spec.HealthCheck,
    };

    private static IReadOnlyList<string> ExecCommand(ProcessSpec spec) =>
        spec.HealthCheck?.Probe is ExecProbe exec ? exec.Command : [];
}
