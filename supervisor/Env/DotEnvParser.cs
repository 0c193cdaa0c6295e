using System.Text;

namespace RemoteDev.Supervisor.Env;

/// <summary>One assignment of a dotenv file and the lines [FirstLine, LastLine] (1-based) it spans.</summary>
internal sealed record DotEnvEntry(string Key, string Value, int FirstLine, int LastLine);

/// <summary>A dotenv file could not be parsed. The message names the line, never a value.</summary>
internal sealed class DotEnvException(int line, string problem) : Exception($"line {line}: {problem}")
{
    public int Line { get; } = line;
}

/// <summary>
/// Dotenv syntax: <c>KEY=value</c>, optional <c>export</c>, <c>#</c> comments (full line, or after whitespace in an
/// unquoted value), single quotes (literal), double quotes (escapes \n \r \t \" \\ \$, may span lines).
/// </summary>
internal static class DotEnvParser
{
    public static IReadOnlyList<DotEnvEntry> Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var entries = new List<DotEnvEntry>();
        for (var i = 0; i < lines.Length; i++)
        {
            var first = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new DotEnvException(first, "expected KEY=VALUE");
            }

            var key = line[..eq].Trim();
            if (!IsValidKey(key))
            {
                throw new DotEnvException(first, "invalid variable name");
            }

            var rest = line[(eq + 1)..].TrimStart();
            string value;
            if (rest.StartsWith('"'))
            {
                (value, i) = ParseDoubleQuoted(lines, i, rest[1..]);
            }
            else if (rest.StartsWith('\''))
            {
                var close = rest.IndexOf('\'', 1);
                if (close < 0)
                {
                    throw new DotEnvException(first, "unterminated single quote");
                }

                value = rest[1..close];
                EnsureOnlyComment(rest[(close + 1)..], first);
            }
            else
            {
                var hash = rest.IndexOf(" #", StringComparison.Ordinal);
                value = (hash >= 0 ? rest[..hash] : rest).Trim();
            }

            entries.Add(new DotEnvEntry(key, value, first, i + 1));
        }

        return entries;
    }

    public static Dictionary<string, string> ToDictionary(IReadOnlyList<DotEnvEntry> entries)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            result[entry.Key] = entry.Value;
        }

        return result;
    }

    public static bool IsValidKey(string key) =>
        key.Length > 0 && (char.IsAsciiLetter(key[0]) || key[0] == '_') &&
        key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    /// <summary>A value written so that <see cref="Parse"/> reads it back unchanged.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '"' => "\\\"",
                '\\' => "\\\\",
                '$' => "\\$",
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }

    private static (string Value, int LastIndex) ParseDoubleQuoted(string[] lines, int index, string text)
    {
        var first = index + 1;
        var sb = new StringBuilder();
        while (true)
        {
            for (var j = 0; j < text.Length; j++)
            {
                var c = text[j];
                if (c == '"')
                {
                    EnsureOnlyComment(text[(j + 1)..], index + 1);
                    return (sb.ToString(), index);
                }

                if (c == '\\' && j + 1 < text.Length)
                {
                    j++;
                    sb.Append(text[j] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', var other => other });
                    continue;
                }

                sb.Append(c);
            }

            index++;
            if (index >= lines.Length)
            {
                throw new DotEnvException(first, "unterminated double quote");
            }

            sb.Append('\n');
            text = lines[index];
        }
    }

    private static void EnsureOnlyComment(string rest, int line)
    {
        var trimmed = rest.Trim();
        if (trimmed.Length > 0 && trimmed[0] != '#')
        {
            throw new DotEnvException(line, "unexpected text after closing quote");
        }
    }
}
