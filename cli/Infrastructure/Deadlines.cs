namespace RemoteDev.Cli.Infrastructure;

/// <summary>
/// Every network wait rdev makes. Request-response calls wait --request-timeout (default <see cref="Request"/>);
/// streaming calls have no deadline, HTTP/2 keepalive pings guard them.
/// </summary>
internal static class Deadlines
{
    public static readonly TimeSpan Request = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Connect = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan KeepAlivePing = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(10);
    /// <summary>sandbox create --wait-ready without --timeout: the server's own readiness default.</summary>
    public static readonly TimeSpan WaitReady = TimeSpan.FromMinutes(5);

    /// <summary>--request-timeout, else env RDEV_REQUEST_TIMEOUT, else <see cref="Request"/>.</summary>
    public static TimeSpan RequestTimeout(TimeSpan? fromOption)
    {
        if (fromOption is { } timeout)
        {
            return timeout;
        }

        if (Environment.GetEnvironmentVariable(GlobalOptions.RequestTimeoutVariable) is not { } fromEnv)
        {
            return Request;
        }

        return Parsers.TryPositiveDuration(fromEnv, out var parsed)
            ? parsed
            : throw CliException.Usage($"{GlobalOptions.RequestTimeoutVariable}: '{fromEnv}' is not a duration above zero like 500ms, 5s, 2m or 1h");
    }
}
