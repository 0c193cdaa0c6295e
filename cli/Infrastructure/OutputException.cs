namespace RemoteDev.Cli.Infrastructure;

/// <summary>Writing to rdev's stdout or stderr failed; a broken pipe means the reader went away (like `| head`).</summary>
internal sealed class OutputException(IOException error) : Exception(error.Message, error)
{
    private const int Epipe = 32;

    /// <summary>.NET reports a write's errno as the IOException's HResult.</summary>
    public bool IsBrokenPipe => error.HResult == Epipe;
}
