using System.Text.Json.Nodes;
using RemoteDev.Supervisor.Specs;

namespace RemoteDev.Supervisor.Persistence;

/// <summary>One durable runtime-added process: its spec and whether it was stopped on request.</summary>
internal sealed record DurableEntry(ProcessSpec Spec, bool Stopped);

/// <summary>
/// <c>state.json</c>: the durable runtime-added processes, rewritten atomically (temp, fsync, rename) on every change
/// and read back at start.
/// </summary>
internal sealed class StateStore(string path)
{
    private readonly object _lock = new();
    private string? _lastSaved;

    public string Path { get; } = path;

    public IReadOnlyList<DurableEntry> Load()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        _lastSaved = File.ReadAllText(Path);
        var root = JsonNode.Parse(_lastSaved) as JsonObject
                   ?? throw new SpecValidationException([$"{Path}: expected an object"]);
        return (root["processes"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(o => new DurableEntry(SpecJsonReader.ReadOne(o["spec"]), o["stopped"]?.GetValue<bool>() ?? false))
            .ToList();
    }

    /// <summary>Writes the file unless its content would not change.</summary>
    public void Save(IReadOnlyList<DurableEntry> entries)
    {
        if (entries.Count == 0 && _lastSaved is null && !File.Exists(Path))
        {
            return;
        }

        var root = new JsonObject
        {
            ["version"] = 1,
            ["processes"] = new JsonArray(entries
                .OrderBy(e => e.Spec.Name, StringComparer.Ordinal)
                .Select(e => (JsonNode?)new JsonObject { ["spec"] = SpecJsonWriter.Write(e.Spec), ["stopped"] = e.Stopped })
                .ToArray()),
        };
        var json = root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        lock (_lock)
        {
            if (json != _lastSaved)
            {
                AtomicFile.Write(Path, json);
                _lastSaved = json;
            }
        }
    }
}
