namespace RemoteDev.Supervisor;

public sealed record HealthCheckSpec
{
    public required HealthProbe Probe { get; init; }

    /// <summary>Null: 10 s.</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary>Null: 5 s.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Consecutive failures before <see cref="HealthStatus.Unhealthy"/>. 0: 3.</summary>
    public uint FailureThreshold { get; init; }

    public TimeSpan? InitialDelay { get; init; }
}

public abstract record HealthProbe;

/// <summary>Healthy when a TCP connection succeeds. Null host: 127.0.0.1.</summary>
public sealed record TcpProbe(string? Host, int Port) : HealthProbe;

/// <summary>Healthy on any HTTP status below 500.</summary>
public sealed record HttpProbe(string? Host, int Port, string Path) : HealthProbe;

/// <summary>Healthy when the command exits 0.</summary>
public sealed record ExecProbe(IReadOnlyList<string> Command) : HealthProbe;

/// <summary>Healthy once a line of output matches the regular expression.</summary>
public sealed record LogProbe(string Pattern) : HealthProbe;
