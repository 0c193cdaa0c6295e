using System.Text;
using System.Text.Json;

namespace RemoteDev.Cli.Tests.Harness;

/// <summary>What one run of rdev produced.</summary>
public sealed record RdevResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string Text => Encoding.UTF8.GetString(Stdout);

    public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

    public override string ToString() => $"exit {ExitCode}\nstdout: {Text}\nstderr: {Stderr}";

    /// <summary>Asserts the exit code, showing rdev's output when it differs (its stderr says why).</summary>
    public void AssertExit(int expected) => Assert.True(ExitCode == expected, $"expected exit {expected}, got {this}");
}
