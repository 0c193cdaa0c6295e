namespace RemoteDev.Cli.Infrastructure;

/// <summary>Writing to rdev's stdout or stderr failed; a broken pipe means the reader went away (like `| head`).</summary>
internal sealed class OutputException : Exception
{
    private const int Epipe = 32;

    public OutputException(Exception error)
        : base(Reason(error), error) =>
        IsBrokenPipe = error is IOException { HResult: Epipe };

    /// <summary>.NET reports a write's errno as the IOException's HResult.</summary>
    public bool IsBrokenPipe { get; }

    /// <summary>A closed descriptor (EBADF) comes as "access denied" around the IOException that names it.</summary>
    private static string Reason(Exception error) => (error.InnerException as IOException ?? error).Message;
}
