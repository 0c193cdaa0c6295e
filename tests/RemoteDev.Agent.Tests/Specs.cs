using Google.Protobuf;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests;

/// <summary>Process specs used by the tests.</summary>
internal static class Specs
{
    public static ProcessSpec Shell(string name, string script, bool required = false) => new()
    {
        Name = name,
        Command = "bash",
        Args = { "-c", script },
        Required = required,
    };

    public static string File(params ProcessSpec[] specs) =>
        "[" + string.Join(",", specs.Select(s => JsonFormatter.Default.Format(s))) + "]";
}
