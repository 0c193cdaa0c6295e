using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>Builds peer commands and reads their results.</summary>
internal static class PeerJson
{
    public static JsonObject Call(string method, params JsonObject[] requests) => new()
    {
        ["method"] = method,
        ["requests"] = new JsonArray(requests.Select(r => (JsonNode)r).ToArray()),
    };

    public static string Code(this JsonObject result) => result["code"]!.GetValue<string>();

    public static string Details(this JsonObject result) => result["details"]!.GetValue<string>();

    /// <summary>"CODE: details", so that a failed assertion shows the details.</summary>
    public static string Outcome(this JsonObject result) => $"{result.Code()}: {result.Details()}";

    public static JsonArray Replies(this JsonObject result) => result["replies"]!.AsArray();

    public static int Int(this JsonNode? node) => node!.GetValue<int>();

    public static string Str(this JsonNode? node) => node!.GetValue<string>();

    /// <summary>Metadata entries as "key=value" (binary values in base64) for readable assertions.</summary>
    public static IReadOnlyList<string> Metadata(this JsonObject result, string which) =>
        result[which]!.AsArray().Select(e => $"{e![0].Str()}={e[1].Str()}").ToList();

    /// <summary>The sha256 the peers report for the test pattern of <paramref name="size"/> bytes.</summary>
    public static string PatternSha(int size) => Convert.ToHexStringLower(SHA256.HashData(InteropService.Pattern(size)));
}
