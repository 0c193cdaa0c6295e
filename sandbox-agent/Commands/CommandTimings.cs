namespace RemoteDev.Agent.Commands;

internal static class CommandTimings
{
    /// <summary>A command without a timeout gets this long (see Command.timeout).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>An exec without a timeout is killed after this long (see ExecCommand.timeout).</summary>
    public static readonly TimeSpan DefaultExecTimeout = TimeSpan.FromSeconds(60);

    /// <summary>An exec command's own deadline is its exec timeout plus this, so the kill is reported first.</summary>
    public static readonly TimeSpan ExecResultMargin = TimeSpan.FromSeconds(5);

    /// <summary>
    /// After an exec'd command exited, its output pipes are read for at most this long to their end; a background
    /// child still holding them does not hold back the result, and what it writes later is dropped.
    /// </summary>
    public static readonly TimeSpan ExecOutputDrainGrace = TimeSpan.FromMilliseconds(300);

    public const int ExecReadBufferBytes = 32 * 1024;
}
