using System.Collections.Concurrent;

namespace RemoteDev.ControlPlane.Gateway;

/// <summary>The live agent session of each sandbox: at most one; a new connection replaces the old one.</summary>
internal sealed class AgentSessions
{
    private static readonly TimeSpan ReplaceWait = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, AgentSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<AgentSession>> _waiters = new(StringComparer.Ordinal);

    public AgentSession? Find(string sandboxId) => _sessions.GetValueOrDefault(sandboxId);

    /// <summary>The sandbox's session, waiting up to <paramref name="wait"/> for one to be installed; null if none came.</summary>
    public Task<AgentSession?> WaitAsync(string sandboxId, TimeSpan wait, CancellationToken cancellationToken)
        => WaitForAsync(sandboxId, replacing: null, wait, cancellationToken);

    /// <summary>The session that replaces <paramref name="closed"/>, waiting up to <paramref name="wait"/>; null if none came.</summary>
    public Task<AgentSession?> WaitForReplacementAsync(AgentSession closed, TimeSpan wait, CancellationToken cancellationToken)
        => WaitForAsync(closed.SandboxId, closed, wait, cancellationToken);

    private async Task<AgentSession?> WaitForAsync(string sandboxId, AgentSession? replacing, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (Find(sandboxId) is { } session && session != replacing)
        {
            return session;
        }

        var waiter = _waiters.GetOrAdd(sandboxId, _ => new TaskCompletionSource<AgentSession>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (Find(sandboxId) is { } installed && installed != replacing)
        {
            return installed;
        }

        try
        {
            return await waiter.Task.WaitAsync(wait, cancellationToken);
        }
        catch (TimeoutException)
        {
            _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource<AgentSession>>(sandboxId, waiter));
            return null;
        }
    }

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
                if (_waiters.TryRemove(session.SandboxId, out var waiter))
                {
                    waiter.TrySetResult(session);
                }

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
