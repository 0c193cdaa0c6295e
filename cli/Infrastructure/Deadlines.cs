namespace RemoteDev.Cli.Infrastructure;

/// <summary>Every network wait rdev makes. Streaming calls have no deadline; HTTP/2 keepalive pings guard them.</summary>
internal static class Deadlines
{
    public static readonly TimeSpan Unary = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Connect = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan KeepAlivePing = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(10);
    /// <summary>sandbox create --wait-ready without --timeout: the server's own readiness default.</summary>
    public static readonly TimeSpan WaitReady = TimeSpan.FromMinutes(5);

    public static DateTime UnaryFromNow() => DateTime.UtcNow + Unary;
}
