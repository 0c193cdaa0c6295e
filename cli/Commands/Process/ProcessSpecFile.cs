using System.Text.Json;
using Google.Protobuf;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Process;

/// <summary>Reads ProcessSpec proto JSON: one object or an array of objects.</summary>
internal static class ProcessSpecFile
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    public static async Task<IReadOnlyList<V1.ProcessSpec>> ReadAsync(FileInfo file, string optionName, CancellationToken cancellationToken)
    {
        var text = await JsonFiles.ReadAsync(file, optionName, cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Array
                ? root.EnumerateArray().Select(e => Parser.Parse<V1.ProcessSpec>(e.GetRawText())).ToList()
                : [Parser.Parse<V1.ProcessSpec>(text)];
        }
        catch (Exception error) when (error is JsonException or InvalidProtocolBufferException or InvalidJsonException)
        {
            throw CliException.Usage($"{optionName}: {file.FullName} is not ProcessSpec JSON: {error.Message}");
        }
    }

    public static async Task<V1.ProcessSpec> ReadOneAsync(FileInfo file, string optionName, CancellationToken cancellationToken)
    {
        var specs = await ReadAsync(file, optionName, cancellationToken);
        return specs.Count == 1 ? specs[0] : throw CliException.Usage($"{optionName}: expected one ProcessSpec, found {specs.Count}");
    }
}
