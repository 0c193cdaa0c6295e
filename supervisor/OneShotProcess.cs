using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor;

/// <summary>
/// A running one-shot command, the leader of its own session and process group: <see cref="Pid"/> is also the group
/// id, so kill(-Pid) reaches everything it started. The streams are the caller's to dispose, asynchronous only, and
/// never hold a thread while waiting; a zero-byte read of <see cref="Stdout"/> or <see cref="Stderr"/> waits until
/// the pipe has data or is at EOF (as on a socket). <see cref="Exited"/> completes when the command itself ended and was reaped;
/// the processes it left running in its group are not killed and may still hold <see cref="Stdout"/> and
/// <see cref="Stderr"/> open.
/// </summary>
public sealed class OneShotProcess
{
    private readonly PipeEndStream _stdout;
    private readonly PipeEndStream _stderr;

    internal OneShotProcess(int pid, Stream stdin, PipeEndStream stdout, PipeEndStream stderr, Task<OneShotExit> exited)
    {
        Pid = pid;
        Stdin = stdin;
        _stdout = stdout;
        _stderr = stderr;
        Exited = exited;
    }

    public int Pid { get; }

    /// <summary>The write end of the command's stdin; disposing it gives the command EOF.</summary>
    public Stream Stdin { get; }

    public Stream Stdout => _stdout;

    public Stream Stderr => _stderr;

    public Task<OneShotExit> Exited { get; }

    /// <summary>
    /// Bytes written to the command's stdout or stderr and not read yet; not after the stream was disposed. Asked once
    /// <see cref="Exited"/> completed, between two reads, it is at least what the command itself left there: whatever
    /// comes after those bytes was written by processes it left running.
    /// </summary>
    public int Unread(StreamKind stream) => stream switch
    {
        StreamKind.Stdout => _stdout.Unread(),
        StreamKind.Stderr => _stderr.Unread(),
        _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "a one-shot command has stdout and stderr"),
    };
}
