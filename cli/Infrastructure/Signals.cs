namespace RemoteDev.Cli.Infrastructure;

/// <summary>Linux signal numbers, for the 128+N exit code of a process a signal ended.</summary>
internal static class Signals
{
    private static readonly string[] Names =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];

    /// <summary>The exit code a shell reports for a death by <paramref name="name"/>.</summary>
    public static int ExitCode(string name)
    {
        var index = Array.IndexOf(Names, name.StartsWith("SIG", StringComparison.Ordinal) ? name : "SIG" + name);
        return index > 0
            ? ExitCodes.SignalBase + index
            : throw new CliException(ExitCodes.Failure, $"the process was ended by an unknown signal '{name}'");
    }
}
