using System.Text.RegularExpressions;
using RemoteDev.Supervisor.Env;
using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Specs;

/// <summary>Finds every problem of a set of specs at once: fields, names, dependencies (unknown, cycles).</summary>
public static class SpecValidator
{
    private const int MaxNameLength = 63;

    /// <summary>[A-Za-z0-9][A-Za-z0-9_.-]{0,62}, without loading the regex engine into every agent.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && char.IsAsciiLetterOrDigit(name[0])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    /// <summary>
    /// Validates <paramref name="changed"/> against the whole resulting set <paramref name="all"/> (which contains
    /// them) and throws one <see cref="SpecValidationException"/> listing every problem.
    /// </summary>
    public static void Validate(IReadOnlyList<ProcessSpec> changed, IReadOnlyList<ProcessSpec> all)
    {
        var problems = new List<string>();
        foreach (var group in changed.GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"duplicate name '{group.Key}'");
        }

        foreach (var spec in changed)
        {
            ValidateFields(spec, problems);
        }

        var byName = all.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var spec in changed)
        {
            foreach (var dependency in spec.DependsOn.OfType<ProcessDependency>())
            {
                if (!byName.ContainsKey(dependency.Name))
                {
                    problems.Add($"{spec.Name}: unknown dependency '{dependency.Name}'");
                }
            }
        }

        problems.AddRange(FindCycles(byName));
        if (problems.Count > 0)
        {
            throw new SpecValidationException(problems);
        }
    }

    private static void ValidateFields(ProcessSpec spec, List<string> problems)
    {
        var p = spec.Name;
        void Check(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add($"{p}: {problem}");
            }
        }

        void NonNegative(TimeSpan? value, string field) => Check(value is null || value >= TimeSpan.Zero, $"{field} is negative");

        Check(IsValidName(spec.Name), "name must match [A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
        Check(!string.IsNullOrWhiteSpace(spec.Command), "command is empty");
        Check(Enum.IsDefined(spec.RestartPolicy), $"unknown restart policy {(int)spec.RestartPolicy}");
        Check(Enum.IsDefined(spec.DesiredState), $"unknown desired state {(int)spec.DesiredState}");
        NonNegative(spec.MinUptime, "minUptime");
        NonNegative(spec.StopGrace, "stopGrace");
        switch (spec.Backoff)
        {
            case FixedBackoff f:
                NonNegative(f.Delay, "backoff.fixed.delay");
                break;
            case ExponentialBackoff e:
                NonNegative(e.Initial, "backoff.exponential.initial");
                NonNegative(e.Max, "backoff.exponential.max");
                Check(e.Multiplier >= 1, "backoff.exponential.multiplier must be at least 1");
                Check(e.Max >= e.Initial, "backoff.exponential.max is below initial");
                break;
        }

        if (spec.CrashLoop is { } loop)
        {
            NonNegative(loop.Window, "crashLoop.window");
            NonNegative(loop.Pause, "crashLoop.pause");
        }

        Check(spec.StopSignal is null || Signals.TryParse(spec.StopSignal, out _), $"unknown stop signal '{spec.StopSignal}'");
        Check(spec.EnvReload is not EnvReloadAfter { Delay: var reloadDelay } || reloadDelay >= TimeSpan.Zero, "envReload.delay is negative");
        Check(spec.Env.Keys.All(DotEnvParser.IsValidKey), "env has an invalid variable name");
        Check(spec.Terminal is null || (spec.Terminal.Rows > 0 && spec.Terminal.Cols > 0), "terminal rows and cols must be positive");
        Check(spec.OutputBufferBytes == 0 || spec.OutputBufferBytes is >= 4096 and <= int.MaxValue, "outputBufferBytes must be 0 or 4096..2^31-1");
        foreach (var dependency in spec.DependsOn)
        {
            switch (dependency)
            {
                case ProcessDependency d:
                    Check(d.Name != spec.Name, "depends on itself");
                    Check(Enum.IsDefined(d.Condition), $"unknown dependency condition {(int)d.Condition}");
                    break;
                case FileDependency f:
                    Check(!string.IsNullOrWhiteSpace(f.Path), "file dependency has no path");
                    NonNegative(f.Timeout, "file dependency timeout");
                    break;
            }
        }

        if (spec.HealthCheck is { } health)
        {
            NonNegative(health.Interval, "healthCheck.interval");
            NonNegative(health.Timeout, "healthCheck.timeout");
            NonNegative(health.InitialDelay, "healthCheck.initialDelay");
            switch (health.Probe)
            {
                case TcpProbe t:
                    Check(t.Port is > 0 and < 65536, "healthCheck.tcp.port out of range");
                    break;
                case HttpProbe h:
                    Check(h.Port is > 0 and < 65536, "healthCheck.http.port out of range");
                    break;
                case ExecProbe e:
                    Check(e.Command.Count > 0 && !string.IsNullOrWhiteSpace(e.Command[0]), "healthCheck.exec.command is empty");
                    break;
                case LogProbe l:
                    Check(IsRegex(l.Pattern), "healthCheck.log.pattern is not a valid regular expression");
                    break;
            }
        }
    }

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static IEnumerable<string> FindCycles(Dictionary<string, ProcessSpec> byName)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var cycles = new List<string>();
        var path = new Stack<string>();

        void Visit(string name)
        {
            state[name] = 1;
            path.Push(name);
            foreach (var next in byName[name].DependsOn.OfType<ProcessDependency>().Select(d => d.Name).Where(byName.ContainsKey))
            {
                if (state.GetValueOrDefault(next) == 1 && next != name)
                {
                    var cycle = path.TakeWhile(n => n != next).Reverse().Prepend(next).Append(next);
                    cycles.Add("dependency cycle: " + string.Join(" -> ", cycle));
                }
                else if (state.GetValueOrDefault(next) == 0)
                {
                    Visit(next);
                }
            }

            path.Pop();
            state[name] = 2;
        }

        foreach (var name in byName.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(name) == 0)
            {
                Visit(name);
            }
        }

        return cycles;
    }
}
