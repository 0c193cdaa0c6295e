namespace RemoteDev.Supervisor;

/// <summary>
/// A running one-shot command, the leader of its own session and process group: <see cref="Pid"/> is also the group
/// id, so kill(-Pid) reaches everything it started. The streams are the caller's to dispose, asynchronous only, and
/// never hold a thread while waiting. <see cref="Exited"/> completes when the command itself ended and was reaped;
/// the processes it left running in its group are not killed and may still hold <see cref="Stdout"/> and
/// <see cref="Stderr"/> open.
/// </summary>
public sealed class OneShotProcess
{
    internal OneShotProcess(int pid, Stream stdin, Stream stdout, Stream stderr, Task<OneShotExit> exited)
    {
        Pid = pid;
        Stdin = stdin;
        Stdout = stdout;
        Stderr = stderr;
        Exited = exited;
    }

    public int Pid { get; }

    /// <summary>The write end of the command's stdin; disposing it gives the command EOF.</summary>
    public Stream Stdin { get; }

    public Stream Stdout { get; }

    public Stream Stderr { get; }

    public Task<OneShotExit> Exited { get; }
}
