using System.Collections.Concurrent;

namespace RemoteDev.Supervisor.Env;

/// <summary>The result of re-reading one env file.</summary>
internal sealed record EnvFileLoad(string Path, bool Changed, string? Error);

/// <summary>
/// Last good content of every env file in use. A missing file is empty; a malformed file keeps its last good
/// content and reports the line.
/// </summary>
internal sealed class EnvFileCache
{
    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _errors = new(StringComparer.Ordinal);

    /// <summary>Why the file's current content is not in use (the last good content is), or null.</summary>
    public string? ErrorOf(string path) => _errors.TryGetValue(path, out var error) ? error : null;

    /// <summary>Whether the file was read before (so its content is cached and must follow its edits).</summary>
    public bool Holds(string path) => _files.ContainsKey(path);

    public IReadOnlyDictionary<string, string> Get(string path) =>
        _files.TryGetValue(path, out var env) ? env : LoadFirst(path);

    public EnvFileLoad Reload(string path)
    {
        IReadOnlyDictionary<string, string> env;
        try
        {
            env = File.Exists(path) ? DotEnvParser.ToDictionary(DotEnvParser.Parse(File.ReadAllText(path))) : Empty;
        }
        catch (DotEnvException e)
        {
            _errors[path] = $"{path} {e.Message}";
            return new EnvFileLoad(path, false, _errors[path]);
        }
        catch (IOException e)
        {
            _errors[path] = $"{path}: {e.Message}";
            return new EnvFileLoad(path, false, _errors[path]);
        }

        _errors.TryRemove(path, out var resolved);
        var previous = _files.TryGetValue(path, out var old) ? old : Empty;
        _files[path] = env;
        return new EnvFileLoad(path, !SameEnv(previous, env), null);
    }

    public static bool SameEnv(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && string.Equals(v, p.Value, StringComparison.Ordinal));

    private IReadOnlyDictionary<string, string> LoadFirst(string path)
    {
        Reload(path);
        return _files.TryGetValue(path, out var env) ? env : _files.GetOrAdd(path, Empty);
    }
}
