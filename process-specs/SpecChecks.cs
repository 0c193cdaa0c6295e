using S = RemoteDev.Supervisor;
using V1 = RemoteDev.V1;

namespace RemoteDev.ProcessSpecs;

/// <summary>What the supervisor would refuse in a set of process specs, found before anything is stored or sent.</summary>
public static class SpecChecks
{
    /// <summary>
    /// The problems of <paramref name="changed"/> within <paramref name="all"/>, the whole set after the change (it
    /// contains the same instances): empty when the supervisor takes them. A problem of one process starts with its
    /// name and ": ". Specs of <paramref name="all"/> outside the change are taken as they are, not judged.
    /// </summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<V1.ProcessSpec> changed, IReadOnlyList<V1.ProcessSpec> all)
    {
        var problems = new List<string>();
        var mapped = new Dictionary<V1.ProcessSpec, S.ProcessSpec>(ReferenceEqualityComparer.Instance);
        foreach (var spec in all)
        {
            try
            {
                mapped[spec] = SpecMapping.ToSupervisor(spec);
            }
            catch (S.SpecValidationException error) when (changed.Any(c => ReferenceEquals(c, spec)))
            {
                problems.AddRange(error.Problems);
            }
            catch (S.SpecValidationException)
            {
                // Already stored, and not part of this change: not this request's fault.
            }
        }

        if (problems.Count > 0)
        {
            return problems;
        }

        try
        {
            S.Specs.SpecValidator.Validate([.. changed.Select(c => mapped[c])], [.. mapped.Values]);
        }
        catch (S.SpecValidationException error)
        {
            problems.AddRange(error.Problems);
        }

        return problems;
    }
}
