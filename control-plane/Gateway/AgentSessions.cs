using System.Collections.Concurrent;

namespace RemoteDev.ControlPlane.Gateway;

/// <summary>The live agent session of each sandbox: at most one; a new connection replaces the old one.</summary>
internal sealed class AgentSessions
{
    private static readonly TimeSpan ReplaceWait = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, AgentSession> _sessions = new(StringComparer.Ordinal);

    public AgentSession? Find(string sandboxId) => _sessions.GetValueOrDefault(sandboxId);

    public int Count => _sessions.Count;

    /// <summary>Installs <paramref name="session"/> after ending (and waiting for) the sandbox's previous session.</summary>
    public async Task InstallAsync(AgentSession session, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_sessions.TryGetValue(session.SandboxId, out var old))
            {
                old.Close("replaced by a new connection of the same sandbox");
                await old.Completion.WaitAsync(ReplaceWait, cancellationToken);
                _sessions.TryRemove(new KeyValuePair<string, AgentSession>(session.SandboxId, old));
            }
            else if (_sessions.TryAdd(session.SandboxId, session))
            {
                return;
            }
        }
    }

    public void Remove(AgentSession session)
        => _sessions.TryRemove(new KeyValuePair<string, AgentSession>(session.SandboxId, session));

    public void CloseAll(string reason)
    {
        foreach (var session in _sessions.Values)
        {
            session.Close(reason);
        }
    }
}
