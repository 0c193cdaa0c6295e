using System.Globalization;
using System.Text.Json.Nodes;

namespace RemoteDev.Supervisor.Specs;

/// <summary>A spec as proto3 JSON (camelCase field names of remotedev.v1.ProcessSpec; durations as "1.5s").</summary>
internal static class SpecJsonWriter
{
    public static JsonObject Write(ProcessSpec spec)
    {
        var o = new JsonObject
        {
            ["name"] = spec.Name,
            ["tags"] = Array(spec.Tags),
            ["command"] = spec.Command,
            ["args"] = Array(spec.Args),
            ["env"] = new JsonObject(spec.Env.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["envFiles"] = Array(spec.EnvFiles),
            ["cleanEnv"] = spec.CleanEnv,
            ["skipGlobalEnvFile"] = spec.SkipGlobalEnvFile,
            ["restartPolicy"] = EnumNames.Policy(spec.RestartPolicy),
            ["maxRestarts"] = spec.MaxRestarts,
            ["permanentFailureExitCodes"] = new JsonArray(spec.PermanentFailureExitCodes.Select(c => (JsonNode?)c).ToArray()),
            ["desiredState"] = spec.DesiredState == DesiredState.Running ? "DESIRED_PROCESS_STATE_RUNNING" : "DESIRED_PROCESS_STATE_STOPPED",
            ["dependsOn"] = new JsonArray(spec.DependsOn.Select(Dependency).ToArray()),
            ["stdinOpen"] = spec.StdinOpen,
            ["durable"] = spec.Durable,
            ["required"] = spec.Required,
            ["outputBufferBytes"] = spec.OutputBufferBytes.ToString(CultureInfo.InvariantCulture),
        };
        Set(o, "cwd", spec.Cwd);
        Set(o, "stopSignal", spec.StopSignal);
        SetDuration(o, "minUptime", spec.MinUptime);
        SetDuration(o, "stopGrace", spec.StopGrace);
        o["backoff"] = spec.Backoff switch
        {
            FixedBackoff f => new JsonObject { ["fixed"] = new JsonObject { ["delay"] = Duration(f.Delay) } },
            ExponentialBackoff e => new JsonObject
            {
                ["exponential"] = new JsonObject
                {
                    ["initial"] = Duration(e.Initial), ["multiplier"] = e.Multiplier, ["max"] = Duration(e.Max),
                },
            },
            _ => null,
        };
        if (spec.CrashLoop is { } loop)
        {
            o["crashLoop"] = new JsonObject
            {
                ["maxRestarts"] = loop.MaxRestarts, ["window"] = Duration(loop.Window), ["pause"] = Duration(loop.Pause),
            };
        }

        if (spec.HealthCheck is { } health)
        {
            o["healthCheck"] = Health(health);
        }

        if (spec.Terminal is { } terminal)
        {
            o["terminal"] = new JsonObject { ["rows"] = terminal.Rows, ["cols"] = terminal.Cols };
        }

        o["envReload"] = spec.EnvReload switch
        {
            EnvReloadOff => new JsonObject { ["off"] = true },
            EnvReloadAfter a => new JsonObject { ["delay"] = Duration(a.Delay) },
            _ => null,
        };
        return o;
    }

    public static string Duration(TimeSpan value) =>
        (value.Ticks / (double)TimeSpan.TicksPerSecond).ToString("0.#########", CultureInfo.InvariantCulture) + "s";

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    private static void Set(JsonObject o, string key, string? value)
    {
        if (value is not null)
        {
            o[key] = value;
        }
    }

    private static void SetDuration(JsonObject o, string key, TimeSpan? value)
    {
        if (value is { } v)
        {
            o[key] = Duration(v);
        }
    }

    private static JsonNode Dependency(DependencySpec dependency) => dependency switch
    {
        ProcessDependency p => new JsonObject
        {
            ["process"] = new JsonObject { ["name"] = p.Name, ["condition"] = EnumNames.Condition(p.Condition) },
        },
        FileDependency f => new JsonObject
        {
            ["file"] = new JsonObject { ["path"] = f.Path, ["timeout"] = Duration(f.Timeout) },
        },
        _ => throw new InvalidOperationException($"unknown dependency {dependency.GetType().Name}"),
    };

    private static JsonObject Health(HealthCheckSpec health)
    {
        var o = new JsonObject { ["failureThreshold"] = health.FailureThreshold };
        SetDuration(o, "interval", health.Interval);
        SetDuration(o, "timeout", health.Timeout);
        SetDuration(o, "initialDelay", health.InitialDelay);
        switch (health.Probe)
        {
            case TcpProbe t:
                o["tcp"] = new JsonObject { ["host"] = t.Host, ["port"] = t.Port };
                break;
            case HttpProbe h:
                o["http"] = new JsonObject { ["host"] = h.Host, ["port"] = h.Port, ["path"] = h.Path };
                break;
            case ExecProbe e:
                o["exec"] = new JsonObject { ["command"] = Array(e.Command) };
                break;
            case LogProbe l:
                o["log"] = new JsonObject { ["pattern"] = l.Pattern };
                break;
        }

        return o;
    }
}
