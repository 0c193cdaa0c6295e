using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Supervision;

/// <summary>One run of a process: its child, the env it got, its stdin and its health monitor.</summary>
internal sealed class RunHandle(
    int id, int pid, DateTimeOffset startedAt, IReadOnlyDictionary<string, string> env, StdinWriter? stdin, bool isPty)
    : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();

    public int Id { get; } = id;

    public int Pid { get; } = pid;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public IReadOnlyDictionary<string, string> Env { get; } = env;

    public StdinWriter? Stdin { get; } = stdin;

    public bool IsPty { get; } = isPty;

    /// <summary>Cancelled when the run ends (health monitor and the like).</summary>
    public CancellationToken Ended => _cancel.Token;

    public void Dispose()
    {
        _cancel.Cancel();
        _cancel.Dispose();
        Stdin?.Dispose();
    }
}
