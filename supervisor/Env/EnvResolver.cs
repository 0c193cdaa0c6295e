using System.Collections;

namespace RemoteDev.Supervisor.Env;

/// <summary>
/// Effective environment of a process. Precedence, lowest first: inherited environment (unless CleanEnv), global env
/// file (unless SkipGlobalEnvFile), per-process <c>.env.&lt;name&gt;</c>, the spec's extra env files in order, the
/// spec's env.
/// </summary>
internal sealed class EnvResolver(EnvFileCache cache, string envDirectory, string globalFileName)
{
    private readonly IReadOnlyDictionary<string, string> _inherited = Environment.GetEnvironmentVariables()
        .Cast<DictionaryEntry>()
        .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal);

    public string GlobalFile => Path.Combine(envDirectory, globalFileName);

    public string ProcessFile(string name) => Path.Combine(envDirectory, globalFileName + "." + name);

    /// <summary>Every env file the process reads, in precedence order.</summary>
    public IEnumerable<string> FilesOf(ProcessSpec spec, string workspace)
    {
        if (!spec.SkipGlobalEnvFile)
        {
            yield return GlobalFile;
        }

        yield return ProcessFile(spec.Name);
        foreach (var file in spec.EnvFiles)
        {
            yield return Path.GetFullPath(file, spec.Cwd ?? workspace);
        }
    }

    /// <summary>Parse errors of the process's env files as of the last <see cref="Resolve"/> (their last good content is in use).</summary>
    public IReadOnlyList<string> Errors(ProcessSpec spec, string workspace) =>
        FilesOf(spec, workspace).Select(cache.ErrorOf).OfType<string>().ToList();

    public IReadOnlyDictionary<string, string> Resolve(ProcessSpec spec, string workspace)
    {
        var env = spec.CleanEnv
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(_inherited, StringComparer.Ordinal);
        foreach (var file in FilesOf(spec, workspace))
        {
            foreach (var (key, value) in cache.Get(file))
            {
                env[key] = value;
            }
        }

        foreach (var (key, value) in spec.Env)
        {
            env[key] = value;
        }

        return env;
    }
}
