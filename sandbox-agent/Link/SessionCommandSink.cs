using RemoteDev.Agent.Commands;
using RemoteDev.V1;

namespace RemoteDev.Agent.Link;

/// <summary>Where the commands of one link session stream their output: its outbox, paced by the control plane's credit.</summary>
internal sealed class SessionCommandSink(Outbox outbox) : ICommandSink
{
    public ExecCredits Credits { get; } = new();

    public ValueTask PostAsync(AgentMessage message, CancellationToken cancellationToken) => outbox.PostAsync(message, cancellationToken);
}
