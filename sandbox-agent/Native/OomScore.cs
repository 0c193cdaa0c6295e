namespace RemoteDev.Agent.Native;

/// <summary>
/// OOM killer preferences: the agent protects itself (-900) and marks children as preferred victims (500). Lowering
/// a score needs CAP_SYS_RESOURCE; without it the agent keeps the default 0 and says so, and children still get 500
/// (raising needs no privilege), so a runaway child is still picked before the agent.
/// </summary>
internal static class OomScore
{
    public const int Agent = -900;
    public const int Child = 500;

    /// <summary>Null on success, else why it could not be set.</summary>
    public static string? TrySetSelf() => TrySet("/proc/self/oom_score_adj", Agent);

    public static string? TrySetChild(int pid) => TrySet($"/proc/{pid}/oom_score_adj", Child);

    private static string? TrySet(string path, int value)
    {
        var errno = Posix.WriteKnob(path, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return errno == 0 ? null : $"{path}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
    }
}
