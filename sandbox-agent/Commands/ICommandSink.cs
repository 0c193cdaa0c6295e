using RemoteDev.V1;

namespace RemoteDev.Agent.Commands;

/// <summary>Where a command's streamed output goes (the link's outbox, or a ctl connection).</summary>
internal interface ICommandSink
{
    ValueTask PostAsync(AgentMessage message, CancellationToken cancellationToken);
}
