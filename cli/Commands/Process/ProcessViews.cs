using System.Globalization;
using RemoteDev.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Rendering;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Process;

internal static class ProcessViews
{
    public static string State(V1.ProcessState state) => Tables.Enum(state, "PROCESS_STATE_");

    public static IRenderable List(IEnumerable<V1.ProcessStatus> processes)
    {
        var table = Tables.Create("NAME", "STATE", "HEALTH", "PID", "RESTARTS", "EXIT", "SINCE", "REASON");
        foreach (var p in processes)
        {
            table.Row(p.Name, State(p.State), Tables.Enum(p.Health, "HEALTH_STATUS_"), Number(p.Pid), Number(p.RestartCount),
                Exit(p), Tables.Time(p.Since), p.Reason);
        }

        return table;
    }

    public static IRenderable Details(V1.ProcessStatus p)
    {
        var rows = new List<(string, string)>
        {
            ("Name", p.Name),
            ("State", State(p.State)),
            ("Health", Tables.Enum(p.Health, "HEALTH_STATUS_")),
            ("PID", Number(p.Pid)),
            ("Restarts", Number(p.RestartCount)),
            ("Last exit", Exit(p)),
            ("Reason", p.Reason),
            ("Since", Tables.Time(p.Since)),
            ("Started", Tables.Time(p.StartedAt)),
            ("Command", p.Spec is null ? "" : string.Join(' ', p.Spec.Args.Prepend(p.Spec.Command))),
            ("Output", $"[{p.OutputStart}, {p.OutputEnd})"),
        };
        rows.AddRange(p.EffectiveEnv.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => ($"env {e.Key}", e.Value)));
        return Tables.Details(rows);
    }

    private static string Exit(V1.ProcessStatus p) => p.HasExitCode ? Number(p.ExitCode) : p.Signal.Length > 0 ? p.Signal : "-";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
