using Google.Protobuf.Collections;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// Env values never leave the operator API, whatever the caller's scope (Env/List answers names only, as values may be
/// secrets): the sandbox spec's env and every process spec's env are answered with each value replaced by
/// <see cref="Redacted"/>, names kept. A process's effective env, asked for explicitly, is the agent's own view.
/// </summary>
internal static class EnvRedaction
{
    public const string Redacted = "[redacted]";

    public static SandboxSpec Spec(SandboxSpec spec)
    {
        var copy = spec.Clone();
        Redact(copy.Env);
        foreach (var process in copy.Processes)
        {
            Redact(process.Env);
        }

        return copy;
    }

    /// <summary>A redacted copy: the caller's to change.</summary>
    public static ProcessStatus Status(ProcessStatus status)
    {
        var copy = status.Clone();
        if (copy.Spec is not null)
        {
            Redact(copy.Spec.Env);
        }

        return copy;
    }

    private static void Redact(MapField<string, string> env)
    {
        foreach (var name in env.Keys.ToList())
        {
            env[name] = Redacted;
        }
    }
}
