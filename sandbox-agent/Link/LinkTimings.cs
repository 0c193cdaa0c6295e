namespace RemoteDev.Agent.Link;

/// <summary>Named timeouts and limits of the agent link.</summary>
internal static class LinkTimings
{
    /// <summary>The control plane must answer the hello within this long.</summary>
    public static readonly TimeSpan HelloAckTimeout = TimeSpan.FromSeconds(15);

    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan DefaultUsageInterval = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(200);

    public static readonly TimeSpan MaxInterval = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Silence from the control plane for this many heartbeat intervals ends the session: enough that a control plane
    /// busy for a few seconds (a loaded machine, a slow store) is not mistaken for a dead one.
    /// </summary>
    public const int DeadAfterHeartbeats = 5;

    /// <summary>HTTP/2 PING after this much idle time; the connection is dropped if unanswered.</summary>
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan BackoffInitial = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan BackoffMax = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A session must last this long after its HelloAck for the reconnect backoff to start again at
    /// <see cref="BackoffInitial"/>; a shorter one counts as a failed attempt.
    /// </summary>
    public static readonly TimeSpan StableSession = TimeSpan.FromSeconds(10);

    /// <summary>How long shutdown waits for a lifecycle report to leave the agent.</summary>
    public static readonly TimeSpan FinalReportTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Largest output message: small chunks are batched up to this size.</summary>
    public const int MaxChunkBytes = 64 * 1024;

    /// <summary>Control messages (events, results, lifecycle) waiting for the send loop.</summary>
    public const int ControlQueueCapacity = 512;

    /// <summary>Output messages waiting for the send loop (each at most <see cref="MaxChunkBytes"/>).</summary>
    public const int OutputQueueCapacity = 16;

    /// <summary>Commands running at the same time; one more is answered RESOURCE_EXHAUSTED at once.</summary>
    public const int MaxConcurrentCommands = 64;
}
