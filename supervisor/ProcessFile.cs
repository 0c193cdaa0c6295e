using RemoteDev.Supervisor.Specs;

namespace RemoteDev.Supervisor;

/// <summary>
/// The agent's process file: JSON, either an array of specs or <c>{"processes": [...]}</c>, with the proto3 JSON
/// field names of remotedev.v1.ProcessSpec (camelCase; durations "1.5s"; enums by proto name or short name such as
/// "on-failure").
/// </summary>
public static class ProcessFile
{
    /// <summary>Parses and validates; throws one <see cref="SpecValidationException"/> listing every problem.</summary>
    public static IReadOnlyList<ProcessSpec> Parse(string json)
    {
        var (specs, problems) = SpecJsonReader.ReadFile(json);
        var all = problems.ToList();
        try
        {
            SpecValidator.Validate(specs, specs);
        }
        catch (SpecValidationException e)
        {
            all.AddRange(e.Problems);
        }

        return all.Count == 0 ? specs : throw new SpecValidationException(all);
    }

    public static IReadOnlyList<ProcessSpec> Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>One spec as proto3 JSON.</summary>
    public static string Serialize(ProcessSpec spec) => SpecJsonWriter.Write(spec).ToJsonString();

    /// <summary>Field-by-field equality of two specs (records hold lists, so == compares references).</summary>
    public static bool SameSpec(ProcessSpec a, ProcessSpec b) => SpecEquality.Same(a, b);
}

/// <summary>What <see cref="ProcessSupervisor.ReconcileAsync"/> changed.</summary>
public sealed record ReconcileResult(
    IReadOnlyList<string> Added, IReadOnlyList<string> Reloaded, IReadOnlyList<string> Removed, IReadOnlyList<string> Unchanged);
