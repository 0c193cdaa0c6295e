namespace RemoteDev.Supervisor.Native;

/// <summary>Finds a command on the PATH of the child's effective environment, as execvp would.</summary>
internal static class ExecutableResolver
{
    private const string DefaultPath = "/usr/local/bin:/usr/bin:/bin";

    public static string Resolve(string command, IReadOnlyDictionary<string, string> env, string cwd)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return Path.GetFullPath(command, cwd);
        }

        var path = env.TryGetValue("PATH", out var value) ? value : DefaultPath;
        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(Path.GetFullPath(directory, cwd), command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new SpawnException($"cannot execute '{command}': not found on PATH (errno 2)");
    }
}
