using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RemoteDev.Supervisor.Specs;

/// <summary>
/// Reads specs from proto3 JSON (the camelCase field names of remotedev.v1.ProcessSpec). Durations are "1.5s" (or
/// "500ms"); enums take proto names or the short names (e.g. "on-failure"). Every problem is collected.
/// </summary>
internal sealed class SpecJsonReader
{
    private readonly List<string> _problems = [];
    private string _where = string.Empty;

    /// <summary>The specs and every problem found in them; throws only when the text is not JSON of the right shape.</summary>
    public static (IReadOnlyList<ProcessSpec> Specs, IReadOnlyList<string> Problems) ReadFile(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new SpecValidationException([$"invalid JSON: {e.Message}"]);
        }

        var items = root switch
        {
            JsonArray array => array,
            JsonObject o when o["processes"] is JsonArray array => array,
            _ => throw new SpecValidationException(["expected an array of specs or an object with a \"processes\" array"]),
        };
        var reader = new SpecJsonReader();
        var specs = items.Select((item, i) => reader.Read(item, $"processes[{i}]")).ToList();
        return (specs, reader._problems);
    }

    public static ProcessSpec ReadOne(JsonNode? node)
    {
        var reader = new SpecJsonReader();
        var spec = reader.Read(node, "spec");
        reader.ThrowIfProblems();
        return spec;
    }

    private void ThrowIfProblems()
    {
        if (_problems.Count > 0)
        {
            throw new SpecValidationException(_problems);
        }
    }

    private ProcessSpec Read(JsonNode? node, string where)
    {
        _where = where;
        if (node is not JsonObject o)
        {
            _problems.Add($"{where}: expected an object");
            return new ProcessSpec { Name = string.Empty, Command = string.Empty };
        }

        var name = Str(o, "name") ?? string.Empty;
        _where = name.Length > 0 ? name : where;
        return new ProcessSpec
        {
            Name = name,
            Tags = Strings(o, "tags"),
            Command = Str(o, "command") ?? string.Empty,
            Args = Strings(o, "args"),
            Cwd = Str(o, "cwd") is { Length: > 0 } cwd ? cwd : null,
            Env = o["env"] is JsonObject env
                ? env.ToDictionary(p => p.Key, p => p.Value?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal)
                : new Dictionary<string, string>(),
            EnvFiles = Strings(o, "envFiles"),
            CleanEnv = Bool(o, "cleanEnv"),
            SkipGlobalEnvFile = Bool(o, "skipGlobalEnvFile"),
            RestartPolicy = Enum(o, "restartPolicy", RestartPolicy.Always, EnumNames.TryPolicy),
            Backoff = Backoff(o["backoff"] as JsonObject),
            MinUptime = Duration(o, "minUptime"),
            CrashLoop = o["crashLoop"] is JsonObject loop
                ? new CrashLoopSpec((uint)Number(loop, "maxRestarts"), Duration(loop, "window") ?? TimeSpan.Zero, Duration(loop, "pause") ?? TimeSpan.Zero)
                : null,
            MaxRestarts = (uint)Number(o, "maxRestarts"),
            PermanentFailureExitCodes = (o["permanentFailureExitCodes"] as JsonArray)?.Select(n => (int)NumberOf(n, "permanentFailureExitCodes")).ToList() ?? [],
            StopSignal = Str(o, "stopSignal") is { Length: > 0 } signal ? signal : null,
            StopGrace = Duration(o, "stopGrace"),
            DesiredState = Enum(o, "desiredState", DesiredState.Running, EnumNames.TryDesired),
            DependsOn = (o["dependsOn"] as JsonArray)?.Select(Dependency).OfType<DependencySpec>().ToList() ?? [],
            HealthCheck = o["healthCheck"] is JsonObject health ? Health(health) : null,
            Terminal = o["terminal"] is JsonObject t ? new TerminalSize((ushort)Number(t, "rows"), (ushort)Number(t, "cols")) : null,
            StdinOpen = Bool(o, "stdinOpen"),
            Durable = Bool(o, "durable"),
            EnvReload = o["envReload"] is JsonObject reload
                ? (Bool(reload, "off") ? new EnvReloadOff() : new EnvReloadAfter(Duration(reload, "delay") ?? TimeSpan.Zero))
                : null,
            Required = Bool(o, "required"),
            OutputBufferBytes = (ulong)Number(o, "outputBufferBytes"),
        };
    }

    private BackoffSpec? Backoff(JsonObject? o) => o switch
    {
        null => null,
        _ when o["fixed"] is JsonObject f => new FixedBackoff(Duration(f, "delay") ?? TimeSpan.Zero),
        _ when o["exponential"] is JsonObject e => new ExponentialBackoff(
            Duration(e, "initial") ?? TimeSpan.Zero, e["multiplier"] is null ? 2 : NumberOf(e["multiplier"], "multiplier"), Duration(e, "max") ?? TimeSpan.Zero),
        _ => Problem<BackoffSpec>("backoff needs \"fixed\" or \"exponential\""),
    };

    private DependencySpec? Dependency(JsonNode? node) => node switch
    {
        JsonObject o when o["process"] is JsonObject p => new ProcessDependency(
            Str(p, "name") ?? string.Empty, Enum(p, "condition", DependencyCondition.Started, EnumNames.TryCondition)),
        JsonObject o when o["file"] is JsonObject f => new FileDependency(Str(f, "path") ?? string.Empty, Duration(f, "timeout") ?? TimeSpan.Zero),
        _ => Problem<DependencySpec>("dependsOn entries need \"process\" or \"file\""),
    };

    private HealthCheckSpec? Health(JsonObject o)
    {
        HealthProbe? probe = o switch
        {
            _ when o["tcp"] is JsonObject t => new TcpProbe(Str(t, "host") is { Length: > 0 } h ? h : null, (int)Number(t, "port")),
            _ when o["http"] is JsonObject h => new HttpProbe(Str(h, "host") is { Length: > 0 } host ? host : null, (int)Number(h, "port"), Str(h, "path") ?? "/"),
            _ when o["exec"] is JsonObject e => new ExecProbe(Strings(e, "command")),
            _ when o["log"] is JsonObject l => new LogProbe(Str(l, "pattern") ?? string.Empty),
            _ => Problem<HealthProbe>("healthCheck needs \"tcp\", \"http\", \"exec\" or \"log\""),
        };
        return probe is null ? null : new HealthCheckSpec
        {
            Probe = probe,
            Interval = Duration(o, "interval"),
            Timeout = Duration(o, "timeout"),
            FailureThreshold = (uint)Number(o, "failureThreshold"),
            InitialDelay = Duration(o, "initialDelay"),
        };
    }

    private T? Problem<T>(string problem)
        where T : class
    {
        _problems.Add($"{_where}: {problem}");
        return null;
    }

    private delegate bool TryParse<T>(string text, out T value);

    private T Enum<T>(JsonObject o, string key, T unset, TryParse<T> parse)
    {
        var text = Str(o, key);
        if (text is null)
        {
            return unset;
        }

        if (parse(text, out var value))
        {
            return value;
        }

        _problems.Add($"{_where}: unknown {key} '{text}'");
        return unset;
    }

    private string? Str(JsonObject o, string key)
    {
        if (o[key] is not JsonValue v)
        {
            return null;
        }

        if (v.TryGetValue<string>(out var s))
        {
            return s;
        }

        _problems.Add($"{_where}: {key} must be a string");
        return null;
    }

    private IReadOnlyList<string> Strings(JsonObject o, string key) =>
        (o[key] as JsonArray)?.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : Problem<string>($"{key} must hold strings") ?? string.Empty).ToList() ?? [];

    private bool Bool(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    private double Number(JsonObject o, string key) => o[key] is null ? 0 : NumberOf(o[key], key);

    private double NumberOf(JsonNode? node, string key)
    {
        if (node is JsonValue v && (v.TryGetValue<double>(out var d) ||
            (v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d))))
        {
            if (d >= 0 || key is "permanentFailureExitCodes" or "multiplier")
            {
                return d;
            }
        }

        _problems.Add($"{_where}: {key} must be a non-negative number");
        return 0;
    }

    private TimeSpan? Duration(JsonObject o, string key)
    {
        var text = Str(o, key);
        if (text is null)
        {
            return null;
        }

        var (number, scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0) : (text, double.NaN);
        if (!double.IsNaN(scale) && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return TimeSpan.FromSeconds(value * scale);
        }

        _problems.Add($"{_where}: {key} must be a duration like \"1.5s\"");
        return null;
    }
}
