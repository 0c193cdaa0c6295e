using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Api;

/// <summary>
/// Process statuses and events as the operator API answers them: env values redacted (<see cref="EnvRedaction"/>)
/// and output offsets in the store's offsets, the ones Logs and Attach take. The agent reports offsets in its own
/// offset space, which starts again at 0 when its log files are lost (a new container or pod) while the store's carry
/// on; an operator who attached from an agent offset would replay old output.
/// </summary>
internal sealed class ProcessStatusViews(IOutputStore output)
{
    public async Task<ProcessStatus> OneAsync(string sandboxId, ProcessStatus status, CancellationToken cancellationToken) =>
        View(status, await output.GetStreamAsync(new OutputStreamKey(sandboxId, status.Name), cancellationToken));

    public async Task<IReadOnlyList<ProcessStatus>> ManyAsync(string sandboxId, IEnumerable<ProcessStatus> statuses, CancellationToken cancellationToken)
    {
        var streams = (await output.ListStreamsAsync(sandboxId, cancellationToken)).ToDictionary(s => s.Stream.Process, StringComparer.Ordinal);
        return statuses.Select(s => View(s, streams.GetValueOrDefault(s.Name))).ToList();
    }

    /// <summary>A REMOVED event's output end in stored offsets; other events as they are.</summary>
    public async Task<ProcessEvent> EventAsync(string sandboxId, ProcessEvent processEvent, CancellationToken cancellationToken)
    {
        if (!processEvent.HasOutputEnd)
        {
            return processEvent;
        }

        var stream = await output.GetStreamAsync(new OutputStreamKey(sandboxId, processEvent.Process), cancellationToken);
        var view = processEvent.Clone();
        view.OutputEnd = stream?.ToStored(processEvent.OutputEpoch, processEvent.OutputEnd) ?? processEvent.OutputEnd;
        view.OutputEpoch = "";
        return view;
    }

    /// <summary>
    /// [output_start, output_end): from the retained start of what is stored to the later of the stored end and the
    /// agent's. Nothing stored yet: the agent's offsets are the store's (its first epoch starts the store at 0).
    /// </summary>
    private static ProcessStatus View(ProcessStatus status, OutputStreamState? stream)
    {
        var view = EnvRedaction.Status(status);
        if (stream is not null)
        {
            view.OutputStart = stream.RetainedStart;
            view.OutputEnd = Math.Max(stream.End, stream.ToStored(status.OutputEpoch, status.OutputEnd));
        }

        view.OutputEpoch = "";
        return view;
    }
}
