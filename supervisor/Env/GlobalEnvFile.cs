using RemoteDev.Supervisor.Persistence;

namespace RemoteDev.Supervisor.Env;

/// <summary>Edits of the global env file that keep its other lines and comments, written atomically.</summary>
internal static class GlobalEnvFile
{
    public static IReadOnlyList<string> Names(string path) =>
        File.Exists(path) ? DotEnvParser.Parse(File.ReadAllText(path)).Select(e => e.Key).Distinct().ToList() : [];

    public static void Edit(string path, IReadOnlyDictionary<string, string> set, IReadOnlyCollection<string> unset)
    {
        var invalid = set.Keys.Where(k => !DotEnvParser.IsValidKey(k)).ToList();
        if (invalid.Count > 0)
        {
            throw new ProcessOperationException("invalid variable names: " + string.Join(", ", invalid));
        }

        var text = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var entries = DotEnvParser.Parse(text);
        var pending = new Dictionary<string, string>(set, StringComparer.Ordinal);
        foreach (var entry in entries.OrderByDescending(e => e.FirstLine))
        {
            var span = entry.LastLine - entry.FirstLine + 1;
            if (unset.Contains(entry.Key))
            {
                lines.RemoveRange(entry.FirstLine - 1, span);
            }
            else if (pending.Remove(entry.Key, out var value))
            {
                lines.RemoveRange(entry.FirstLine - 1, span);
                lines.Insert(entry.FirstLine - 1, entry.Key + "=" + DotEnvParser.Quote(value));
            }
        }

        lines.AddRange(pending.Select(p => p.Key + "=" + DotEnvParser.Quote(p.Value)));
        AtomicFile.Write(path, string.Join('\n', lines) + "\n");
    }
}
