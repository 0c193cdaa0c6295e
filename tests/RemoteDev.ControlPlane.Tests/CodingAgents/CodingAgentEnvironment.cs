using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.CodingAgents;

/// <summary>
/// Sandbox env that runs the real Claude Code and OpenCode CLIs (installed by scripts/install-deps) against a fake
/// model API on loopback, with everything that would reach other hosts switched off.
/// </summary>
internal static class CodingAgentEnvironment
{
    public static string NpmBin => Path.Combine(RepoPaths.Root, ".tools", "npm", "node_modules", ".bin");

    public const string OpenCodeModel = "claude-sonnet-4-5";

    /// <summary>Claude Code finds the model API through its environment.</summary>
    public static void Claude(SandboxSpec spec, FakeModelApi api)
    {
        Quiet(spec);
        spec.Env["ANTHROPIC_BASE_URL"] = api.BaseAddress.ToString().TrimEnd('/');
        spec.Env["ANTHROPIC_API_KEY"] = "sk-fake-test-key";
        spec.Env["IS_SANDBOX"] = "1";
    }

    /// <summary>OpenCode finds the model API only through <see cref="OpenCodeConfig"/>.</summary>
    public static void OpenCode(SandboxSpec spec) => Quiet(spec);

    private static void Quiet(SandboxSpec spec)
    {
        var home = Path.Combine(Path.GetTempPath(), "rd-agent-home-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(home);
        spec.Env["HOME"] = home;
        spec.Env["PATH"] = $"{NpmBin}:/usr/local/bin:/usr/bin:/bin";
        spec.Env["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1";
        spec.Env["DISABLE_TELEMETRY"] = "1";
        spec.Env["DISABLE_ERROR_REPORTING"] = "1";
        spec.Env["DISABLE_AUTOUPDATER"] = "1";
        spec.Env["CLAUDE_CODE_MAX_RETRIES"] = "1";
        spec.Env["OPENCODE_DISABLE_AUTOUPDATE"] = "1";
        spec.Env["OPENCODE_DISABLE_MODELS_FETCH"] = "1";
    }

    /// <summary>An opencode.json that sends the anthropic provider to the fake API.</summary>
    public static string OpenCodeConfig(FakeModelApi api) => $$"""
        {
          "$schema": "https://opencode.ai/config.json",
          "provider": { "anthropic": { "options": { "baseURL": "{{api.BaseAddress.ToString().TrimEnd('/')}}/v1", "apiKey": "sk-fake-test-key" } } },
          "model": "anthropic/{{OpenCodeModel}}",
          "autoupdate": false,
          "share": "disabled"
        }
        """;
}
