using RemoteDev.ControlPlane.Observed;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Tests.Units;

/// <summary>Agent reports folded into observed state: what Get answers between two reports of the whole set.</summary>
public sealed class ProcessEventFoldTests
{
    [Fact]
    public void A_run_exit_moves_the_observed_output_end_to_where_that_run_ended_and_other_events_leave_it()
    {
        var hello = ObservedSandbox.Never with
        {
            Processes = ProcessEventFold.Snapshot([new ProcessStatus { Name = "web", State = ProcessState.Running, OutputEnd = 10, OutputEpoch = "e1" }]),
        };
        var exited = new ProcessEvent
        {
            Process = "web", Kind = ProcessEventKind.Transition, Previous = ProcessState.Running, State = ProcessState.Backoff,
            ExitCode = 1, OutputEnd = 250, OutputEpoch = "e1",
        };
        var health = new ProcessEvent { Process = "web", Kind = ProcessEventKind.Health, State = ProcessState.Backoff };

        var afterExit = ProcessEventFold.Apply(hello, exited).Processes["web"];
        var afterHealth = ProcessEventFold.Apply(ProcessEventFold.Apply(hello, exited), health).Processes["web"];

        Assert.Equal((ProcessState.Backoff, 1, 250UL, "e1"), (afterExit.State, afterExit.ExitCode, afterExit.OutputEnd, afterExit.OutputEpoch));
        Assert.Equal((250UL, "e1"), (afterHealth.OutputEnd, afterHealth.OutputEpoch));
    }
}
