using System.Reflection;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace RemoteDev.Cli.Infrastructure;

/// <summary>Small helpers so table cells are plain text (never markup) and values read well.</summary>
internal static class Tables
{
    public static Table Create(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column)));
        }

        return table;
    }

    public static void Row(this Table table, params string[] cells) => table.AddRow(cells.Select(c => new Text(c)).ToArray());

    /// <summary>Key/value pairs for `get` views.</summary>
    public static Grid Details(IEnumerable<(string Key, string Value)> rows)
    {
        var grid = new Grid().AddColumn().AddColumn();
        foreach (var (key, value) in rows)
        {
            grid.AddRow(new Text(key), new Text(value));
        }

        return grid;
    }

    public static string Time(Timestamp? time) => time is null ? "-" : time.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'");

    public static string Labels(IEnumerable<KeyValuePair<string, string>> labels) =>
        string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    /// <summary>SANDBOX_PHASE_READY -> READY: the enum's proto name without its type prefix.</summary>
    public static string Enum<T>(T value, string prefix)
        where T : struct, System.Enum
    {
        // Every proto enum's zero value is *_UNSPECIFIED: "not set" (e.g. no health check), shown like other absent values.
        if (Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return "-";
        }

        var name = typeof(T).GetField(value.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? value.ToString();
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
    }
}
