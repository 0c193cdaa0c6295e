namespace RemoteDev.Agent.Commands;

/// <summary>Asks the agent to shut down (SIGTERM, or the shutdown command).</summary>
internal interface IShutdownTrigger
{
    /// <param name="grace">Null: the default grace period.</param>
    void Request(TimeSpan? grace, string reason);
}
