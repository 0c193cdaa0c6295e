using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Supervision;

/// <summary>
/// Spawns a one-shot command with stdin, stdout and stderr on pipes and reaps only its leader when it ends (see
/// <see cref="ExitWatcher.WatchLeader"/>): unlike a supervised run, what it left running in its group lives on.
/// </summary>
internal static unsafe class OneShotLauncher
{
    public static OneShotProcess Start(IoLoop io, OneShotCommand command)
    {
        SpawnedChild child;
        try
        {
            child = Spawner.Spawn(new SpawnRequest(command.Executable, command.Argv, command.Env, command.Cwd, Terminal: null, StdinOpen: true));
        }
        catch (SpawnException e)
        {
            throw new CommandStartException(e.Message);
        }

        PipeEndStream[] streams =
        [
            new PipeEndStream(io, child.StdinFd, FileAccess.Write),
            new PipeEndStream(io, child.StdoutFd, FileAccess.Read),
            new PipeEndStream(io, child.StderrFd, FileAccess.Read),
        ];
        var exited = new TaskCompletionSource<OneShotExit>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            ExitWatcher.WatchLeader(io, child.Pid, status => Report(exited, child.Pid, status));
        }
        catch (InvalidOperationException)
        {
            Abort(child.Pid, streams);
            throw;
        }

        return new OneShotProcess(child.Pid, streams[0], streams[1], streams[2], exited.Task);
    }

    private static void Report(TaskCompletionSource<OneShotExit> exited, int pid, ExitStatus status)
    {
        try
        {
            exited.TrySetResult(OneShotExit.From(pid, status));
        }
        catch (InvalidOperationException e)
        {
            exited.TrySetException(e);
        }
    }

    /// <summary>Nothing watches the child: its group is killed and the leader reaped here, so no zombie is left.</summary>
    private static void Abort(int pid, PipeEndStream[] streams)
    {
        Libc.kill(-pid, Signals.SIGKILL);
        int status;
        Libc.waitpid(pid, &status, 0);
        foreach (var stream in streams)
        {
            stream.Dispose();
        }
    }
}
