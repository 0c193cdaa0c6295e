namespace RemoteDev.Supervisor.Native;

/// <summary>Linux signal numbers and their names (names only at boundaries).</summary>
internal static class Signals
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGCONT = 18;
    public const int SIGTERM = 15;
    public const int SIGWINCH = 28;

    private static readonly Dictionary<string, int> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["SIGHUP"] = 1, ["SIGINT"] = 2, ["SIGQUIT"] = 3, ["SIGILL"] = 4, ["SIGTRAP"] = 5, ["SIGABRT"] = 6,
        ["SIGBUS"] = 7, ["SIGFPE"] = 8, ["SIGKILL"] = 9, ["SIGUSR1"] = 10, ["SIGSEGV"] = 11, ["SIGUSR2"] = 12,
        ["SIGPIPE"] = 13, ["SIGALRM"] = 14, ["SIGTERM"] = 15, ["SIGSTKFLT"] = 16, ["SIGCHLD"] = 17,
        ["SIGCONT"] = 18, ["SIGSTOP"] = 19, ["SIGTSTP"] = 20, ["SIGTTIN"] = 21, ["SIGTTOU"] = 22, ["SIGURG"] = 23,
        ["SIGXCPU"] = 24, ["SIGXFSZ"] = 25, ["SIGVTALRM"] = 26, ["SIGPROF"] = 27, ["SIGWINCH"] = 28,
        ["SIGIO"] = 29, ["SIGPWR"] = 30, ["SIGSYS"] = 31,
    };

    private static readonly Dictionary<int, string> ByNumber = ByName.ToDictionary(p => p.Value, p => p.Key);

    /// <summary>Accepts "SIGTERM", "TERM" or "15".</summary>
    public static bool TryParse(string text, out int signal)
    {
        if (int.TryParse(text, out signal))
        {
            return ByNumber.ContainsKey(signal);
        }

        return ByName.TryGetValue(text.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? text : "SIG" + text, out signal);
    }

    public static int Parse(string text) =>
        TryParse(text, out var signal) ? signal : throw new ProcessOperationException($"unknown signal '{text}'");

    public static string Name(int signal) => ByNumber.TryGetValue(signal, out var name) ? name : $"SIG{signal}";
}
