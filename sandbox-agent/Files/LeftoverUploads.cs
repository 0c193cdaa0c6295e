namespace RemoteDev.Agent.Files;

/// <summary>
/// Hidden files of uploads to one target that no one tracks (an agent from before the upload journal began them) and
/// that are idle. An upload id has no dot, so ".a.b.ID.rdev-upload" (an upload to a.b) is not one of a's.
/// </summary>
internal static class LeftoverUploads
{
    public static IEnumerable<string> Of(string path, DateTime idleSince, Func<string, bool> tracked)
    {
        var prefix = $".{Path.GetFileName(path)}.";
        foreach (var leftover in Directory.EnumerateFiles(Path.GetDirectoryName(path)!, "*" + Uploads.Suffix))
        {
            var name = Path.GetFileName(leftover);
            if (name.Length > prefix.Length + Uploads.Suffix.Length
                && name.StartsWith(prefix, StringComparison.Ordinal)
                && !name[prefix.Length..^Uploads.Suffix.Length].Contains('.', StringComparison.Ordinal)
                && !tracked(leftover)
                && File.GetLastWriteTimeUtc(leftover) < idleSince)
            {
                yield return leftover;
            }
        }
    }
}
