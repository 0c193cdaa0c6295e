using System.Text.RegularExpressions;

namespace RemoteDev.Agent.Files;

/// <summary>Upload ids as clients pick them: safe inside a file name (no slash, no dot).</summary>
internal static partial class UploadIds
{
    public static bool IsValid(string uploadId) => Pattern().IsMatch(uploadId);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex Pattern();
}
