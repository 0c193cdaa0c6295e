using System.Collections.Concurrent;

namespace RemoteDev.ControlPlane.Observed;

/// <summary>
/// Observed status of every sandbox, kept in memory (the agent re-reports it on every connect). Each sandbox has
/// one writer, its agent session; readers get immutable snapshots.
/// </summary>
internal sealed class ObservedState
{
    private readonly ConcurrentDictionary<string, ObservedSandbox> _sandboxes = new(StringComparer.Ordinal);

    /// <summary>Raised after a change that may move a sandbox's phase (connect, disconnect, lifecycle).</summary>
    public event Action<string>? PhaseRelevantChange;

    public ObservedSandbox Get(string sandboxId) => _sandboxes.GetValueOrDefault(sandboxId, ObservedSandbox.Never);

    public void Update(string sandboxId, Func<ObservedSandbox, ObservedSandbox> change, bool phaseRelevant)
    {
        _sandboxes.AddOrUpdate(sandboxId, _ => change(ObservedSandbox.Never), (_, old) => change(old));
        if (phaseRelevant)
        {
            PhaseRelevantChange?.Invoke(sandboxId);
        }
    }

    public void Forget(string sandboxId) => _sandboxes.TryRemove(sandboxId, out _);
}
