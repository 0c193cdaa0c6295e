using RemoteDev.V1;

namespace RemoteDev.Agent.Commands;

/// <summary>Where a command's streamed output goes (a link session's outbox, or a ctl connection).</summary>
internal interface ICommandSink
{
    ValueTask PostAsync(AgentMessage message, CancellationToken cancellationToken);

    /// <summary>The output credit of the execs whose output goes here.</summary>
    ExecCredits Credits { get; }
}
