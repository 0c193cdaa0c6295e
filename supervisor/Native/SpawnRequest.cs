namespace RemoteDev.Supervisor.Native;

/// <summary>Everything needed to start one child as the leader of its own session and process group.</summary>
internal sealed record SpawnRequest(
    string Executable,
    IReadOnlyList<string> Argv,
    IReadOnlyDictionary<string, string> Env,
    string Cwd,
    TerminalSize? Terminal,
    bool StdinOpen);

/// <summary>A started child. Fds are owned by the caller; -1 means absent.</summary>
internal sealed record SpawnedChild(int Pid, int StdoutFd, int StderrFd, int PtyFd, int StdinFd);

/// <summary>The child could not be started; <see cref="Exception.Message"/> carries the OS error.</summary>
internal sealed class SpawnException(string message) : Exception(message);
