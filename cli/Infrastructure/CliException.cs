namespace RemoteDev.Cli.Infrastructure;

/// <summary>A failure rdev reports as one line on stderr and a specific exit code.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
