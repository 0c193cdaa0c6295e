using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using S = RemoteDev.Supervisor;
using V1 = RemoteDev.V1;

namespace RemoteDev.ProcessSpecs;

/// <summary>
/// remotedev.v1.ProcessSpec to the supervisor's spec, field by field; every problem is collected and reported in one
/// <see cref="S.SpecValidationException"/>. The way back goes through the supervisor's proto3 JSON writer.
/// </summary>
public static class SpecMapping
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static S.ProcessSpec ToSupervisor(V1.ProcessSpec spec)
    {
        var problems = new List<string>();
        var mapped = new S.ProcessSpec
        {
            Name = spec.Name,
            Tags = [.. spec.Tags],
            Command = spec.Command,
            Args = [.. spec.Args],
            Cwd = spec.Cwd.Length == 0 ? null : spec.Cwd,
            Env = new Dictionary<string, string>(spec.Env),
            EnvFiles = [.. spec.EnvFiles],
            CleanEnv = spec.CleanEnv,
            SkipGlobalEnvFile = spec.SkipGlobalEnvFile,
            RestartPolicy = Policy(spec.RestartPolicy, problems),
            Backoff = Backoff(spec.Backoff, problems),
            MinUptime = Time(spec.MinUptime, "min_uptime", problems),
            CrashLoop = spec.CrashLoop is { } loop ? new S.CrashLoopSpec(loop.MaxRestarts, Time(loop.Window, "crash_loop.window", problems) ?? TimeSpan.Zero, Time(loop.Pause, "crash_loop.pause", problems) ?? TimeSpan.Zero) : null,
            MaxRestarts = spec.MaxRestarts,
            PermanentFailureExitCodes = [.. spec.PermanentFailureExitCodes],
            StopSignal = spec.StopSignal.Length == 0 ? null : spec.StopSignal,
            StopGrace = Time(spec.StopGrace, "stop_grace", problems),
            DesiredState = spec.DesiredState switch
            {
                V1.DesiredProcessState.Unspecified or V1.DesiredProcessState.Running => S.DesiredState.Running,
                V1.DesiredProcessState.Stopped => S.DesiredState.Stopped,
                _ => Problem(problems, "desired_state: unknown value", S.DesiredState.Running),
            },
            DependsOn = spec.DependsOn.Select(d => Dependency(d, problems)).OfType<S.DependencySpec>().ToList(),
            HealthCheck = spec.HealthCheck is { } check ? HealthMapping.ToSupervisor(check, problems) : null,
            Terminal = spec.Terminal is { } t ? Terminal(t, problems) : null,
            StdinOpen = spec.StdinOpen,
            Durable = spec.Durable,
            EnvReload = spec.EnvReload?.ModeCase switch
            {
                V1.EnvReload.ModeOneofCase.Delay => new S.EnvReloadAfter(Time(spec.EnvReload.Delay, "env_reload.delay", problems) ?? TimeSpan.Zero),
                V1.EnvReload.ModeOneofCase.Off when spec.EnvReload.Off => new S.EnvReloadOff(),
                _ => null,
            },
            Required = spec.Required,
            OutputBufferBytes = spec.OutputBufferBytes,
        };
        return problems.Count == 0 ? mapped : throw new S.SpecValidationException([.. problems.Select(p => $"{spec.Name}: {p}")]);
    }

    public static V1.ProcessSpec ToProto(S.ProcessSpec spec) => Parser.Parse<V1.ProcessSpec>(S.ProcessFile.Serialize(spec));

    private static S.RestartPolicy Policy(V1.RestartPolicy policy, List<string> problems) => policy switch
    {
        V1.RestartPolicy.Unspecified or V1.RestartPolicy.Always => S.RestartPolicy.Always,
        V1.RestartPolicy.OnFailure => S.RestartPolicy.OnFailure,
        V1.RestartPolicy.Never => S.RestartPolicy.Never,
        V1.RestartPolicy.UnlessStopped => S.RestartPolicy.UnlessStopped,
        V1.RestartPolicy.OnSuccess => S.RestartPolicy.OnSuccess,
        _ => Problem(problems, $"restart_policy: unknown value {(int)policy}", S.RestartPolicy.Always),
    };

    private static S.BackoffSpec? Backoff(V1.Backoff? backoff, List<string> problems) => backoff?.KindCase switch
    {
        null => null,
        V1.Backoff.KindOneofCase.Fixed => new S.FixedBackoff(Time(backoff.Fixed.Delay, "backoff.fixed.delay", problems) ?? TimeSpan.Zero),
        V1.Backoff.KindOneofCase.Exponential => new S.ExponentialBackoff(
            Time(backoff.Exponential.Initial, "backoff.exponential.initial", problems) ?? TimeSpan.Zero,
            backoff.Exponential.Multiplier,
            Time(backoff.Exponential.Max, "backoff.exponential.max", problems) ?? TimeSpan.Zero),
        _ => Problem<S.BackoffSpec?>(problems, "backoff needs fixed or exponential", null),
    };

    private static S.DependencySpec? Dependency(V1.Dependency dependency, List<string> problems) => dependency.TargetCase switch
    {
        V1.Dependency.TargetOneofCase.Process => new S.ProcessDependency(dependency.Process.Name, dependency.Process.Condition switch
        {
            V1.DependencyCondition.Healthy => S.DependencyCondition.Healthy,
            V1.DependencyCondition.Completed => S.DependencyCondition.Completed,
            _ => S.DependencyCondition.Started,
        }),
        V1.Dependency.TargetOneofCase.File => new S.FileDependency(dependency.File.Path, Time(dependency.File.Timeout, "depends_on.file.timeout", problems) ?? TimeSpan.Zero),
        _ => Problem<S.DependencySpec?>(problems, "depends_on entries need process or file", null),
    };

    private static S.TerminalSize? Terminal(V1.TerminalSize size, List<string> problems) =>
        size.Rows is > 0 and <= ushort.MaxValue && size.Cols is > 0 and <= ushort.MaxValue
            ? new S.TerminalSize((ushort)size.Rows, (ushort)size.Cols)
            : Problem<S.TerminalSize?>(problems, "terminal: rows and cols must be 1..65535", null);

    /// <summary>Null when unset; a Duration that is not normalized (nanos of the wrong sign or range) is a problem.</summary>
    internal static TimeSpan? Time(Duration? duration, string field, List<string> problems)
    {
        if (duration is null)
        {
            return null;
        }

        return Durations.TryToTimeSpan(duration) ?? Problem<TimeSpan?>(problems, Durations.Invalid(field, duration), null);
    }

    internal static T Problem<T>(List<string> problems, string problem, T placeholder)
    {
        problems.Add(problem);
        return placeholder;
    }
}
