namespace RemoteDev.Agent.Link;

/// <summary>The control plane broke the link protocol or went silent; the session ends and the agent reconnects.</summary>
internal sealed class LinkProtocolException(string message) : Exception(message);
