namespace RemoteDev.Supervisor;

/// <summary>
/// A command to run once, outside supervision. <see cref="Executable"/> is the resolved path (no PATH lookup here);
/// <see cref="Argv"/> starts with argv[0]; <see cref="Env"/> is the whole environment (a PWD in it is set to the
/// working directory); <see cref="Cwd"/> is the working directory.
/// </summary>
public sealed record OneShotCommand(
    string Executable,
    IReadOnlyList<string> Argv,
    IReadOnlyDictionary<string, string> Env,
    string Cwd);
