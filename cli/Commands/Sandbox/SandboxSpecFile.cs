using Google.Protobuf;
using RemoteDev.Cli.Infrastructure;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Sandbox;

/// <summary>Reads a SandboxSpec as proto JSON (driver, processes, env, limits, readiness).</summary>
internal static class SandboxSpecFile
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    public static async Task<V1.SandboxSpec> ReadAsync(FileInfo file, string optionName, CancellationToken cancellationToken)
    {
        var text = await JsonFiles.ReadAsync(file, optionName, cancellationToken);
        try
        {
            return Parser.Parse<V1.SandboxSpec>(text);
        }
        catch (Exception error) when (error is InvalidProtocolBufferException or InvalidJsonException)
        {
            throw CliException.Usage($"{optionName}: {file.FullName} is not SandboxSpec JSON: {error.Message}");
        }
    }
}
