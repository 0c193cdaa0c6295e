namespace RemoteDev.Agent.Commands;

internal static class ExecutableLookup
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>The absolute path of an executable, looked up on PATH when it has no slash; null if none.</summary>
    public static string? Resolve(string command, string path)
    {
        if (command.Contains('/'))
        {
            return IsExecutable(command) ? Path.GetFullPath(command) : null;
        }

        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, command))
            .FirstOrDefault(IsExecutable);
    }

    private static bool IsExecutable(string file) =>
        File.Exists(file) && (File.GetUnixFileMode(file) & AnyExecute) != 0;
}
