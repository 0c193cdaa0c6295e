using RemoteDev.Supervisor.Specs;

namespace RemoteDev.Supervisor.Persistence;

/// <summary>
/// The durable processes of the last run, validated as one set (state.json lists them by name, not in dependency
/// order). A dependency outside the set is one on a configured process, which the agent reconciles only after the
/// supervisor started: it stands in for validation, and the dependent waits Pending until it is registered.
/// </summary>
internal static class DurableSet
{
    public static IReadOnlyList<ProcessSpec> Restore(IReadOnlyList<DurableEntry> entries)
    {
        var specs = entries
            .Select(e => e.Spec.RestartPolicy == RestartPolicy.UnlessStopped && e.Stopped ? e.Spec with { DesiredState = DesiredState.Stopped } : e.Spec)
            .ToList();
        var names = specs.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var configured = specs
            .SelectMany(s => s.DependsOn.OfType<ProcessDependency>())
            .Select(d => d.Name)
            .Where(name => !names.Contains(name))
            .Distinct(StringComparer.Ordinal)
            .Select(name => new ProcessSpec { Name = name, Command = "configured" });
        SpecValidator.Validate(specs, [.. specs, .. configured]);
        return specs;
    }
}
