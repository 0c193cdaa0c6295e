using System.Collections;

namespace RemoteDev.Supervisor.Env;

/// <summary>
/// Effective environment of a process. Precedence, lowest first: inherited environment (unless CleanEnv), global env
/// file (unless SkipGlobalEnvFile), per-process <c>.env.&lt;name&gt;</c>, the spec's extra env files in order, the
/// spec's env.
/// </summary>
internal sealed class EnvResolver(EnvFileCache cache, string envDirectory, string globalFileName)
{
    private static readonly IReadOnlyDictionary<string, string> Nothing = new Dictionary<string, string>();

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

    public IReadOnlyDictionary<string, string> Resolve(ProcessSpec spec, string workspace) =>
        Layer(spec.CleanEnv ? Nothing : _inherited, FilesOf(spec, workspace), spec.Env);

    /// <summary>Environment of a one-shot command: inherited, then the global env file, then its own env.</summary>
    public IReadOnlyDictionary<string, string> ResolveCommand(IReadOnlyDictionary<string, string> commandEnv) =>
        Layer(_inherited, [GlobalFile], commandEnv);

    private Dictionary<string, string> Layer(IReadOnlyDictionary<string, string> inherited, IEnumerable<string> files, IReadOnlyDictionary<string, string> own)
    {
        var env = new Dictionary<string, string>(inherited, StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var (key, value) in cache.Get(file))
            {
                env[key] = value;
            }
        }

        foreach (var (key, value) in own)
        {
            env[key] = value;
        }

        return env;
    }
}
