namespace RemoteDev.Agent.Control;

/// <summary>
/// The ctl socket protocol: the client sends one JSON line, {"op": "command", "command": &lt;Command in proto
/// JSON&gt;}, {"op": "status"} or {"op": "logs", "name": ..., "follow": bool, "tail": bytes}. A command or status gets
/// one JSON line back (CommandResult in proto JSON, or <see cref="CtlStatus"/>); logs get a CommandResult line, then
/// the raw output bytes until the end (or, when following, until the client hangs up).
/// </summary>
internal static class CtlProtocol
{
    public const string Command = "command";
    public const string Status = "status";
    public const string Logs = "logs";

    /// <summary>Longest request line the server reads.</summary>
    public const int MaxRequestBytes = 4 * 1024 * 1024;

    /// <summary>Connections served at once; one more is answered RESOURCE_EXHAUSTED and closed.</summary>
    public const int MaxConnections = 32;

    /// <summary>A connection that has not sent its request line within this long is answered and closed.</summary>
    public static readonly TimeSpan RequestReadTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long the refusal of a connection beyond <see cref="MaxConnections"/> may take to write.</summary>
    public static readonly TimeSpan RefusalWriteTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Default bytes of history `ctl logs` prints.</summary>
    public const ulong DefaultTailBytes = 64 * 1024;
}

internal sealed record CtlStatus(
    string SandboxId,
    string AgentVersion,
    string Lifecycle,
    string Reason,
    bool Connected,
    int Processes,
    IReadOnlyList<CtlStream> Streams);

internal sealed record CtlStream(string Process, string Epoch, ulong Next, ulong Acked);
