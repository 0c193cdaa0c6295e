namespace RemoteDev.Cli.Commands.Attach;

/// <summary>What rdev's own stdin is.</summary>
internal enum LocalInput
{
    /// <summary>--no-stdin.</summary>
    None,
    /// <summary>A pipe or file.</summary>
    Pipe,
    Terminal,
}

/// <summary>How an attach forwards local stdin: see <see cref="StdinModes.For"/>.</summary>
internal enum StdinMode
{
    /// <summary>Output only.</summary>
    None,
    /// <summary>Bytes forwarded as they come (from a terminal: as its line editing hands them over); at their end the process's stdin is closed.</summary>
    Piped,
    /// <summary>To a process on a PTY from a terminal: raw mode, window size, Ctrl-P Ctrl-Q detaches.</summary>
    Terminal,
}

internal sealed record AttachSettings(string SandboxId, string Process, ulong? Tail, ulong? Offset, LocalInput Input);
