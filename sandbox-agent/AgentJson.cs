using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using RemoteDev.Agent.Control;
using RemoteDev.Agent.Files;

namespace RemoteDev.Agent;

/// <summary>Compile-time JSON metadata for the agent's own JSON (the published agent is trimmed: no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CtlStatus))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(UploadJournalEntry))]
internal sealed partial class AgentJson : JsonSerializerContext
{
    /// <summary>For JSON that people read as well (ctl status): '+', quotes and non-ASCII as they are, not as \uXXXX.</summary>
    public static AgentJson Readable { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
