namespace RemoteDev.Agent.Configuration;

/// <summary>The configuration is invalid; the message lists every problem.</summary>
internal sealed class AgentConfigurationException(IReadOnlyList<string> problems)
    : Exception("invalid agent configuration: " + string.Join("; ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
