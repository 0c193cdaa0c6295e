using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Store.Sql;

/// <summary>Maps sandbox rows (columns in SqlSandboxStore's order) and encodes page tokens and times.</summary>
internal static class SandboxRows
{
    private const string PageTokenPrefix = "after:";

    public static SandboxRecord Read(DbDataReader reader) => new(
        Id: reader.GetString(0),
        Name: reader.GetString(1),
        Project: reader.GetString(2),
        Labels: JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(3)) ?? [],
        Spec: SandboxSpec.Parser.ParseFrom((byte[])reader.GetValue(4)),
        Generation: reader.GetInt64(5),
        Deleted: reader.GetInt32(6) != 0,
        Status: SandboxStatus.Parser.ParseFrom((byte[])reader.GetValue(7)),
        Revision: reader.GetInt64(8),
        CreatedRevision: reader.GetInt64(9),
        CreatedAt: FromMicros(reader.GetInt64(10)),
        EndedAt: reader.IsDBNull(11) ? null : FromMicros(reader.GetInt64(11)));

    public static string LabelsJson(IReadOnlyDictionary<string, string> labels) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string>(labels.ToDictionary(), StringComparer.Ordinal));

    public static long ToMicros(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);

    public static string PageToken(long lastSeq) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(PageTokenPrefix + lastSeq.ToString(CultureInfo.InvariantCulture)));

    public static long ParsePageToken(string token)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith(PageTokenPrefix, StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(PageTokenPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                return seq;
            }
        }
        catch (FormatException)
        {
        }

        throw new StoreException(StoreError.InvalidArgument, "page_token", "Invalid page token.");
    }
}
