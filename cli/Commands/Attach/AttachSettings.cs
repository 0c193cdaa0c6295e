namespace RemoteDev.Cli.Commands.Attach;

internal enum StdinMode
{
    /// <summary>--no-stdin: output only.</summary>
    None,
    /// <summary>stdin is a pipe or file: bytes forwarded as they are; at its end the process's stdin is closed.</summary>
    Piped,
    /// <summary>stdin is a terminal: raw mode, window size, Ctrl-P Ctrl-Q detaches.</summary>
    Terminal,
}

internal sealed record AttachSettings(string SandboxId, string Process, ulong? Tail, ulong? Offset, StdinMode Stdin);
