namespace RemoteDev.Agent;

internal static class AgentTimings
{
    /// <summary>Grace period of a SIGTERM shutdown (and of a shutdown command without one).</summary>
    public static readonly TimeSpan DefaultShutdownGrace = TimeSpan.FromSeconds(15);

    /// <summary>Running commands get this long to post their results at shutdown.</summary>
    public static readonly TimeSpan CommandDrainTimeout = TimeSpan.FromSeconds(2);
}
