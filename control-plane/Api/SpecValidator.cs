using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using RemoteDev.ControlPlane.Drivers;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>Field-level checks of sandbox and process specs.</summary>
internal static partial class SpecValidator
{
    private static readonly HashSet<string> Signals = new(StringComparer.Ordinal)
    {
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGKILL", "SIGUSR1", "SIGUSR2", "SIGTERM", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGWINCH",
    };

    public static bool IsSignal(string name) => Signals.Contains(name);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    public static partial Regex SandboxName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")]
    public static partial Regex ProcessName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    public static partial Regex EnvName();

    public static void Sandbox(CreateSandboxRequest request, FieldErrors errors)
    {
        errors.Require(SandboxName().IsMatch(request.Name), "name", "must match [a-z0-9][a-z0-9-]{0,62}");
        errors.Require(SandboxName().IsMatch(request.Project), "project", "must match [a-z0-9][a-z0-9-]{0,62}");
        foreach (var key in request.Labels.Keys.Where(k => k.Length is 0 or > 63))
        {
            errors.Add($"labels[{key}]", "keys are 1 to 63 characters");
        }

        var spec = request.Spec ?? new SandboxSpec();
        errors.Require(spec.Driver is "" or "process", "spec.driver", $"driver '{spec.Driver}' is not available here (only \"process\")");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Processes.Count; i++)
        {
            Process(spec.Processes[i], $"spec.processes[{i}]", errors);
            errors.Require(names.Add(spec.Processes[i].Name), $"spec.processes[{i}].name", "duplicate process name");
        }

        for (var i = 0; i < spec.Processes.Count; i++)
        {
            foreach (var dependency in spec.Processes[i].DependsOn.Where(d => d.Process is not null && !names.Contains(d.Process.Name)))
            {
                errors.Add($"spec.processes[{i}].depends_on", $"no process named '{dependency.Process.Name}'");
            }
        }

        if (!errors.Any)
        {
            Supervisable(spec.Processes, spec.Processes, "spec.processes", i => $"spec.processes[{i}]", errors);
        }

        Env(spec.Env.Keys, "spec.env", errors);
        if (spec.Readiness is { } readiness)
        {
            NonNegative(readiness.Timeout, "spec.readiness.timeout", errors);
            errors.Require(readiness.ExpectOutput.Length == 0 || readiness.ProbeCommand.Count > 0, "spec.readiness.probe_command", "required with expect_output");
        }
    }

    /// <summary>What the driver cannot honour is refused, never silently dropped.</summary>
    public static void Supported(SandboxSpec? spec, ISandboxDriver driver, FieldErrors errors)
    {
        if (spec?.Limits is { } limits && (limits.CpuMillis > 0 || limits.MemoryBytes > 0))
        {
            errors.Require(driver.Capabilities.ResourceLimits, "spec.limits", $"the {driver.Name} driver cannot enforce resource limits; leave them unset");
        }

        if (spec is { Image.Length: > 0 })
        {
            errors.Require(driver.Capabilities.Images, "spec.image", $"the {driver.Name} driver runs no images; leave it unset");
        }
    }

    public static void Process(ProcessSpec? spec, string prefix, FieldErrors errors)
    {
        if (spec is null)
        {
            errors.Add(prefix, "required");
            return;
        }

        errors.Require(ProcessName().IsMatch(spec.Name), $"{prefix}.name", "must match [A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
        errors.Require(spec.Command.Length > 0, $"{prefix}.command", "required");
        errors.Require(spec.StopSignal.Length == 0 || IsSignal(spec.StopSignal), $"{prefix}.stop_signal", $"unknown signal '{spec.StopSignal}'");
        if (spec.Terminal is { } terminal)
        {
            errors.Require(terminal.Rows > 0 && terminal.Cols > 0, $"{prefix}.terminal", "rows and cols must be positive");
        }

        errors.Require(spec.OutputRetentionBytes <= long.MaxValue, $"{prefix}.output_retention_bytes", $"at most {long.MaxValue} (what the store can hold)");
        NonNegative(spec.StopGrace, $"{prefix}.stop_grace", errors);
        NonNegative(spec.MinUptime, $"{prefix}.min_uptime", errors);
        Env(spec.Env.Keys, $"{prefix}.env", errors);
        foreach (var code in spec.PermanentFailureExitCodes.Where(c => c is < 0 or > 255))
        {
            errors.Add($"{prefix}.permanent_failure_exit_codes", $"{code} is not an exit code (0-255)");
        }
    }

    /// <summary>
    /// The supervisor's own checks (restart policies, backoff, crash loops, health checks, dependencies and their
    /// cycles) on <paramref name="changed"/> within <paramref name="all"/>, the processes the change leaves; a problem
    /// of one process goes under <paramref name="processField"/> of its index in <paramref name="changed"/>.
    /// </summary>
    public static void Supervisable(IReadOnlyList<ProcessSpec> changed, IReadOnlyList<ProcessSpec> all, string setField, Func<int, string> processField, FieldErrors errors)
    {
        foreach (var problem in RemoteDev.ProcessSpecs.SpecChecks.Problems(changed, all))
        {
            var colon = problem.IndexOf(": ", StringComparison.Ordinal);
            var index = colon > 0 ? DesiredState.IndexOf(changed, problem[..colon]) : -1;
            if (index >= 0)
            {
                errors.Add(processField(index), problem[(colon + 2)..]);
            }
            else
            {
                errors.Add(setField, problem);
            }
        }
    }

    public static void Env(IEnumerable<string> names, string field, FieldErrors errors)
    {
        foreach (var name in names.Where(n => !EnvName().IsMatch(n)))
        {
            errors.Add($"{field}[{name}]", "not a valid variable name");
        }
    }

    private static void NonNegative(Duration? duration, string field, FieldErrors errors)
    {
        if (duration is not null)
        {
            errors.Require(duration.Seconds >= 0 && duration.Nanos >= 0, field, "must not be negative");
        }
    }
}
