using System.Collections.Immutable;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Observed;

/// <summary>How an agent's reports change the observed processes: the hello's snapshot, then one event at a time.</summary>
internal static class ProcessEventFold
{
    public static ImmutableDictionary<string, ProcessStatus> Snapshot(IEnumerable<ProcessStatus> processes)
        => processes.ToImmutableDictionary(p => p.Name, StringComparer.Ordinal);

    public static ObservedSandbox Apply(ObservedSandbox observed, ProcessEvent processEvent)
    {
        if (processEvent.Kind == ProcessEventKind.Removed)
        {
            return observed with
            {
                Processes = observed.Processes.Remove(processEvent.Process),
                RemovedOutputEnds = observed.RemovedOutputEnds.SetItem(processEvent.Process, new AgentOffset(processEvent.OutputEpoch, processEvent.OutputEnd)),
            };
        }

        var status = observed.Processes.TryGetValue(processEvent.Process, out var old) ? old.Clone() : new ProcessStatus { Name = processEvent.Process };
        status.State = processEvent.State;
        status.Health = processEvent.Health;
        status.Pid = processEvent.Pid;
        status.RestartCount = processEvent.RestartCount;
        status.Reason = processEvent.Reason;
        status.Signal = processEvent.Signal;
        status.Since = processEvent.Time;
        if (processEvent.HasExitCode)
        {
            status.ExitCode = processEvent.ExitCode;
        }

        if (processEvent.HasOutputEnd)
        {
            // A run's exit: its output ends there, past anything the agent reported before.
            status.OutputEnd = processEvent.OutputEnd;
            status.OutputEpoch = processEvent.OutputEpoch;
        }

        return observed with
        {
            Processes = observed.Processes.SetItem(processEvent.Process, status),
            RemovedOutputEnds = observed.RemovedOutputEnds.Remove(processEvent.Process),
        };
    }
}
