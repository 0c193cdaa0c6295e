namespace RemoteDev.ControlPlane.Reconcile;

/// <summary>What a reconcile asks for: nothing more, or another run after a delay (time-based conditions).</summary>
internal readonly record struct ReconcileResult(TimeSpan? RequeueAfter)
{
    public static ReconcileResult Done => new(null);

    public static ReconcileResult After(TimeSpan delay) => new(delay);
}

/// <summary>A failure that retrying cannot fix: the sandbox goes FAILED with this reason and is not retried.</summary>
internal sealed class TerminalReconcileException(string reason) : Exception(reason);
