using System.Net;

namespace RemoteDev.ControlPlane;

/// <summary>Control-plane settings, bound from the "ControlPlane" configuration section (env: ControlPlane__Key).</summary>
internal sealed class ControlPlaneOptions
{
    public const string Section = "ControlPlane";

    private static readonly TimeSpan MaxDeletedRetention = TimeSpan.FromDays(3650);

    /// <summary>gRPC endpoint (HTTP/2 only).</summary>
    public string GrpcAddress { get; set; } = "127.0.0.1:5080";

    /// <summary>Health and metrics endpoint (HTTP/1.1).</summary>
    public string HttpAddress { get; set; } = "127.0.0.1:5081";

    /// <summary>Directory holding the SQLite database, the admin key file and the process driver's sandboxes.</summary>
    public string DataDir { get; set; } = "./.data";

    /// <summary>Path of the remotedev-agent executable started by the process driver.</summary>
    public string AgentPath { get; set; } = "";

    /// <summary>URL the agents dial; empty derives it from <see cref="GrpcAddress"/>.</summary>
    public string AgentControlPlaneUrl { get; set; } = "";

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan UsageInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A connected agent silent this long has its session closed.</summary>
    public TimeSpan AgentSilenceTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A sandbox whose agent is away this long becomes LOST.</summary>
    public TimeSpan LostGrace { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan HelloTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a stopping agent may take before it is killed: its own shutdown grace for its processes (15 s) plus
    /// time to report OFF and exit.
    /// </summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a deleted sandbox is kept once its teardown finished (STOPPED): until then Get, List, Watch and Logs
    /// still show it and its stored output; then it is purged with its output and agent token.
    /// </summary>
    public TimeSpan DeletedRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often deleted sandboxes past <see cref="DeletedRetention"/> are looked for and purged.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Largest file Files.Write puts in place, whole or uploaded in chunks: a bound on the disk one upload takes (each
    /// message carries at most <see cref="RemoteDev.V1.FileChunks.MaxWriteBytes"/> whatever this says).
    /// </summary>
    public long MaxFileBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Queued bytes after which an attacher is cut off as too slow.</summary>
    public int AttacherBufferBytes { get; set; } = 8 * 1024 * 1024;

    public Serilog.Events.LogEventLevel LogLevel { get; set; } = Serilog.Events.LogEventLevel.Information;

    /// <summary>Create a demo sandbox at start (see scripts/run).</summary>
    public bool Demo { get; set; }

    public IPEndPoint GrpcEndPoint => IPEndPoint.Parse(GrpcAddress);

    public IPEndPoint HttpEndPoint => IPEndPoint.Parse(HttpAddress);

    public string AgentUrl => AgentControlPlaneUrl.Length > 0 ? AgentControlPlaneUrl : $"http://{GrpcAddress}";

    public string FullDataDir => Path.GetFullPath(DataDir);

    /// <summary>Every problem with the settings, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        CheckEndPoint(errors, nameof(GrpcAddress), GrpcAddress);
        CheckEndPoint(errors, nameof(HttpAddress), HttpAddress);
        if (string.IsNullOrWhiteSpace(DataDir))
        {
            errors.Add($"{nameof(DataDir)}: required");
        }

        if (string.IsNullOrWhiteSpace(AgentPath))
        {
            errors.Add($"{nameof(AgentPath)}: required (the remotedev-agent executable)");
        }
        else if (!File.Exists(AgentPath))
        {
            errors.Add($"{nameof(AgentPath)}: {AgentPath} does not exist");
        }

        CheckPositive(errors, nameof(HeartbeatInterval), HeartbeatInterval);
        CheckPositive(errors, nameof(UsageInterval), UsageInterval);
        CheckPositive(errors, nameof(HelloTimeout), HelloTimeout);
        if (AgentSilenceTimeout <= HeartbeatInterval)
        {
            errors.Add($"{nameof(AgentSilenceTimeout)}: must exceed {nameof(HeartbeatInterval)}");
        }

        if (LostGrace < AgentSilenceTimeout)
        {
            errors.Add($"{nameof(LostGrace)}: must be at least {nameof(AgentSilenceTimeout)}");
        }

        CheckPositive(errors, nameof(DeletedRetention), DeletedRetention);
        CheckPositive(errors, nameof(PurgeInterval), PurgeInterval);
        if (DeletedRetention > MaxDeletedRetention)
        {
            errors.Add($"{nameof(DeletedRetention)}: at most {MaxDeletedRetention.TotalDays:F0} days");
        }

        if (MaxFileBytes <= 0 || AttacherBufferBytes <= 0)
        {
            errors.Add($"{nameof(MaxFileBytes)}/{nameof(AttacherBufferBytes)}: must be positive");
        }

        return errors;
    }

    private static void CheckEndPoint(List<string> errors, string name, string value)
    {
        if (!IPEndPoint.TryParse(value, out var endPoint) || endPoint.Port == 0)
        {
            errors.Add($"{name}: '{value}' is not an address:port");
        }
    }

    private static void CheckPositive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{name}: must be positive");
        }
    }
}
