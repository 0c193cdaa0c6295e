namespace RemoteDev.Supervisor.Env;

/// <summary>Hides values of secret-looking keys (TOKEN, SECRET, PASSWORD, PASSWD, KEY, CREDENTIAL, AUTH).</summary>
internal static class Redaction
{
    public const string Redacted = "[redacted]";

    private static readonly string[] Markers = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "AUTH"];

    public static bool IsSecret(string key) => Markers.Any(m => key.Contains(m, StringComparison.OrdinalIgnoreCase));

    public static IReadOnlyDictionary<string, string> Redact(IReadOnlyDictionary<string, string> env) =>
        env.ToDictionary(p => p.Key, p => IsSecret(p.Key) ? Redacted : p.Value, StringComparer.Ordinal);

    /// <summary>A status as it leaves the supervisor: its spec's env redacted (the supervisor keeps the real one).</summary>
    public static ProcessStatus Redact(ProcessStatus status) => status with { Spec = status.Spec with { Env = Redact(status.Spec.Env) } };
}
