using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using RemoteDev.Agent.Files;
using RemoteDev.Agent.Hosting;

namespace RemoteDev.Agent.Env;

/// <summary>
/// The sandbox's global env file, which the supervisor watches. The agent owns its content: the values live in a
/// JSON record next to it and the dotenv file is rendered from them on every change.
/// </summary>
internal sealed partial class GlobalEnvFile(string envFile, string recordFile)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SortedDictionary<string, string> _values = new(StringComparer.Ordinal);

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(recordFile))
        {
            var bytes = await File.ReadAllBytesAsync(recordFile, cancellationToken);
            _values = new SortedDictionary<string, string>(
                JsonSerializer.Deserialize<Dictionary<string, string>>(bytes) ?? [], StringComparer.Ordinal);
        }

        await WriteAsync(cancellationToken);
    }

    public Task<IReadOnlyList<string>> SetAsync(IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken) =>
        ChangeAsync(v => { foreach (var (k, value) in values) { v[k] = value; } }, values.Keys, cancellationToken);

    public Task<IReadOnlyList<string>> UnsetAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken) =>
        ChangeAsync(v => { foreach (var k in names) { v.Remove(k); } }, names, cancellationToken);

    /// <summary>Replaces every value (the desired env); no write when nothing changed.</summary>
    public Task<IReadOnlyList<string>> ReplaceAsync(IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken) =>
        ChangeAsync(v => { v.Clear(); foreach (var (k, value) in values) { v[k] = value; } }, values.Keys, cancellationToken);

    private async Task<IReadOnlyList<string>> ChangeAsync(Action<SortedDictionary<string, string>> change, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var invalid = names.Where(n => !NamePattern().IsMatch(n)).ToList();
        if (invalid.Count > 0)
        {
            throw new ProcessHostException(StatusCode.InvalidArgument, "invalid variable names: " + string.Join(", ", invalid));
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            var next = new SortedDictionary<string, string>(_values, StringComparer.Ordinal);
            change(next);
            if (!next.SequenceEqual(_values))
            {
                _values = next;
                await WriteAsync(cancellationToken);
            }

            return _values.Keys.ToList();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await AtomicFile.WriteAsync(recordFile, JsonSerializer.SerializeToUtf8Bytes(_values), ownerOnly, cancellationToken);
        await AtomicFile.WriteAsync(envFile, Encoding.UTF8.GetBytes(Render(_values)), ownerOnly, cancellationToken);
    }

    internal static string Render(IEnumerable<KeyValuePair<string, string>> values)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in values)
        {
            text.Append(name).Append("=\"");
            foreach (var c in value)
            {
                text.Append(c switch
                {
                    '\\' => "\\\\",
                    '"' => "\\\"",
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '$' => "\\$",
                    _ => c.ToString(),
                });
            }

            text.Append("\"\n");
        }

        return text.ToString();
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();
}
