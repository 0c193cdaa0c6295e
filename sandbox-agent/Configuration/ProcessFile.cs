using System.Text.Json;
using Google.Protobuf;
using RemoteDev.V1;

namespace RemoteDev.Agent.Configuration;

/// <summary>The initial process file: a JSON array of ProcessSpec objects in proto JSON form.</summary>
internal static class ProcessFile
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    /// <exception cref="AgentConfigurationException">The file is not a JSON array of valid ProcessSpec objects.</exception>
    public static IReadOnlyList<ProcessSpec> Load(string path)
    {
        using var document = ParseDocument(path);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new AgentConfigurationException([$"{path}: the process file must be a JSON array of process specs"]);
        }

        var specs = new List<ProcessSpec>();
        var problems = new List<string>();
        var index = 0;
        foreach (var element in document.RootElement.EnumerateArray())
        {
            try
            {
                specs.Add(Parser.Parse<ProcessSpec>(element.GetRawText()));
            }
            catch (InvalidProtocolBufferException e)
            {
                problems.Add($"{path}: entry {index}: {e.Message}");
            }
            catch (InvalidJsonException e)
            {
                problems.Add($"{path}: entry {index}: {e.Message}");
            }

            index++;
        }

        if (problems.Count > 0)
        {
            throw new AgentConfigurationException(problems);
        }

        return specs;
    }

    private static JsonDocument ParseDocument(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new AgentConfigurationException([$"{path}: not valid JSON: {e.Message}"]);
        }
    }
}
