using RemoteDev.Cli.Commands.Process;
using RemoteDev.Cli.Infrastructure;
using Spectre.Console;
using Spectre.Console.Rendering;
using V1 = RemoteDev.V1;

namespace RemoteDev.Cli.Commands.Sandbox;

internal static class SandboxViews
{
    public static string Phase(V1.SandboxPhase phase) => Tables.Enum(phase, "SANDBOX_PHASE_");

    public static IRenderable List(IEnumerable<V1.Sandbox> sandboxes)
    {
        var table = Tables.Create("ID", "NAME", "PROJECT", "PHASE", "PROCESSES", "CREATED", "LABELS");
        foreach (var s in sandboxes)
        {
            table.Row(s.Id, s.Name, s.Project, Phase(s.Status?.Phase ?? V1.SandboxPhase.Unspecified),
                (s.Status?.Processes.Count ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture), Tables.Time(s.CreatedAt), Tables.Labels(s.Labels));
        }

        return table;
    }

    public static IRenderable Details(V1.Sandbox sandbox)
    {
        var status = sandbox.Status ?? new V1.SandboxStatus();
        var details = Tables.Details(
        [
            ("ID", sandbox.Id),
            ("Name", sandbox.Name),
            ("Project", sandbox.Project),
            ("Labels", Tables.Labels(sandbox.Labels)),
            ("Driver", sandbox.Spec?.Driver ?? ""),
            ("Phase", Phase(status.Phase)),
            ("Reason", status.Reason),
            ("Agent", $"{Tables.Enum(status.AgentLifecycle, "AGENT_LIFECYCLE_")}, {(status.AgentConnected ? "connected" : "not connected")}, seen {Tables.Time(status.AgentSeenAt)}"),
            ("Generation", $"{status.Generation} (observed {status.ObservedGeneration})"),
            ("Created", Tables.Time(sandbox.CreatedAt)),
        ]);
        return new Rows(details, new Text(""), ProcessViews.List(status.Processes));
    }
}
