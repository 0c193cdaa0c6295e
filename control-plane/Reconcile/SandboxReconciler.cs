using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using RemoteDev.ControlPlane.Drivers;
using RemoteDev.ControlPlane.Gateway;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Store;
using RemoteDev.V1;

namespace RemoteDev.ControlPlane.Reconcile;

/// <summary>
/// Reconcile(sandbox id): reads desired state (store), observed state (agent) and the driver's view, takes one step
/// toward the desired state and records the phase. Idempotent; the host runs at most one per sandbox at a time.
/// </summary>
internal sealed class SandboxReconciler(
    ControlPlaneOptions options,
    ISandboxStore store,
    ISandboxDriver driver,
    AgentCredential credentials,
    ObservedState observed,
    AgentSessions sessions,
    ReadinessProbe probe,
    TimeProvider time)
{
    private static readonly TimeSpan DefaultReadinessTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StartingRecheck = TimeSpan.FromSeconds(1);

    // An agent that keeps exiting is started again after 1, 2, 4, 8 s; the fifth exit in a row fails the sandbox. A
    // launch that lived for StableAfter no longer counts against it.
    private const int MaxQuickExits = 5;
    private static readonly TimeSpan FirstRelaunchDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(60);

    // Agents get a full grace after a control-plane start to reconnect, however old their last sighting.
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();

    // Per sandbox on its way to READY: since when. The readiness timeout counts from there, so a sandbox that was READY
    // and starts again (its agent relaunched, or back from LOST) gets the whole timeout, whatever its age. After a
    // control-plane start it counts from the first check, as the LOST grace does.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _startingSince = new(StringComparer.Ordinal);

    // Sandboxes whose readiness probe passed for the current agent connection.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _probed = new(StringComparer.Ordinal);

    // Per sandbox: agent launches in a row that exited before they were stable, and when the last one was made.
    private readonly ConcurrentDictionary<string, Launches> _launches = new(StringComparer.Ordinal);

    public async Task<ReconcileResult> ReconcileAsync(string id, CancellationToken cancellationToken)
    {
        var sandbox = await store.GetAsync(id, cancellationToken);
        if (sandbox is null)
        {
            observed.Forget(id);
            return ReconcileResult.Done;
        }

        if (sandbox.Deleted)
        {
            return await TearDownAsync(sandbox, cancellationToken);
        }

        if (sandbox.Status.Phase is SandboxPhase.Ready or SandboxPhase.Lost or SandboxPhase.Failed)
        {
            _startingSince.TryRemove(id, out _);
        }

        if (sandbox.Status.Phase == SandboxPhase.Failed)
        {
            return ReconcileResult.Done;
        }

        var inspection = await driver.InspectAsync(id, cancellationToken);
        if (inspection.State != SandboxRunState.Running)
        {
            return await LaunchAsync(sandbox, inspection, cancellationToken);
        }

        var agent = observed.Get(id);
        return agent.Connected
            ? await ReconcileConnectedAsync(sandbox, agent, cancellationToken)
            : await ReconcileDisconnectedAsync(sandbox, agent, cancellationToken);
    }

    private async Task<ReconcileResult> LaunchAsync(SandboxRecord sandbox, SandboxInspection inspection, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var last = _launches.GetValueOrDefault(sandbox.Id);
        var exits = inspection.State == SandboxRunState.Exited && last is not null && now - last.At < StableAfter
            ? last.QuickExits + 1
            : 0;
        if (exits >= MaxQuickExits)
        {
            _launches.TryRemove(sandbox.Id, out _);
            throw new TerminalReconcileException($"the agent exited {exits} times in a row within {StableAfter.TotalSeconds:F0} s of its start ({inspection.ExitDetail})");
        }

        if (exits > 0)
        {
            var due = last!.At + FirstRelaunchDelay * Math.Pow(2, exits - 1);
            if (now < due)
            {
                await SetPhaseAsync(sandbox, SandboxPhase.Starting, $"the agent exited ({inspection.ExitDetail}); starting it again in {(due - now).TotalSeconds:F0} s", cancellationToken);
                return ReconcileResult.After(due - now);
            }
        }

        await SetPhaseAsync(sandbox, SandboxPhase.Creating, "starting the sandbox", cancellationToken);
        var token = await credentials.IssueAsync(sandbox.Id, cancellationToken);
        _probed.TryRemove(sandbox.Id, out _);
        _launches[sandbox.Id] = new Launches(exits, now);
        _startingSince.TryAdd(sandbox.Id, now);
        await driver.StartAsync(new SandboxLaunch(sandbox.Id, token, sandbox.Spec), cancellationToken);
        sandbox = await store.GetAsync(sandbox.Id, cancellationToken) ?? throw new InvalidOperationException("sandbox vanished");
        await SetPhaseAsync(sandbox, SandboxPhase.Starting, "waiting for the agent", cancellationToken);
        return ReconcileResult.After(StartingRecheck);
    }

    private async Task<ReconcileResult> ReconcileConnectedAsync(SandboxRecord sandbox, ObservedSandbox agent, CancellationToken cancellationToken)
    {
        if (agent.AppliedGeneration < (ulong)sandbox.Generation && sessions.Find(sandbox.Id) is { } session)
        {
            await session.PushDesiredAsync(AgentGatewayService.Desired(sandbox), cancellationToken);
        }

        switch (agent.Lifecycle)
        {
            case AgentLifecycle.StartError:
                throw new TerminalReconcileException($"the agent could not start: {agent.LifecycleReason}");
            case AgentLifecycle.Ready when _probed.ContainsKey(sandbox.Id) || await probe.PassesAsync(sandbox, cancellationToken):
                _probed[sandbox.Id] = time.GetUtcNow();
                await SetPhaseAsync(sandbox, SandboxPhase.Ready, "", cancellationToken);
                return ReconcileResult.Done;
            case AgentLifecycle.ShuttingDown or AgentLifecycle.Off:
                await SetPhaseAsync(sandbox, SandboxPhase.Stopping, $"the agent is shutting down: {agent.LifecycleReason}", cancellationToken);
                return ReconcileResult.After(StartingRecheck);
            default:
                await SetPhaseAsync(sandbox, SandboxPhase.Starting, "waiting for the agent to be ready", cancellationToken);
                return CheckReadinessTimeout(sandbox);
        }
    }

    private async Task<ReconcileResult> ReconcileDisconnectedAsync(SandboxRecord sandbox, ObservedSandbox agent, CancellationToken cancellationToken)
    {
        _probed.TryRemove(sandbox.Id, out _);
        var lastSeen = agent.DisconnectedAt ?? sandbox.Status.PhaseSince?.ToDateTimeOffset() ?? sandbox.CreatedAt;
        var since = lastSeen > _startedAt ? lastSeen : _startedAt;
        var away = time.GetUtcNow() - since;
        if (sandbox.Status.Phase is SandboxPhase.Ready or SandboxPhase.Lost)
        {
            if (away >= options.LostGrace)
            {
                await SetPhaseAsync(sandbox, SandboxPhase.Lost, $"the agent has been silent for {away.TotalSeconds:F0} s", cancellationToken);
                // Nothing reports the death of an agent that is already disconnected: look again, and start it anew
                // once the driver finds it exited.
                return ReconcileResult.After(options.LostGrace);
            }

            return ReconcileResult.After(options.LostGrace - away);
        }

        await SetPhaseAsync(sandbox, SandboxPhase.Starting, "waiting for the agent to connect", cancellationToken);
        return CheckReadinessTimeout(sandbox);
    }

    private ReconcileResult CheckReadinessTimeout(SandboxRecord sandbox)
    {
        var limit = sandbox.Spec.Readiness?.Timeout?.ToTimeSpan() is { } t && t > TimeSpan.Zero ? t : DefaultReadinessTimeout;
        var now = time.GetUtcNow();
        var elapsed = now - _startingSince.GetOrAdd(sandbox.Id, now);
        if (elapsed > limit)
        {
            _startingSince.TryRemove(sandbox.Id, out _);
            throw new TerminalReconcileException($"not ready within {limit.TotalSeconds:F0} s");
        }

        return ReconcileResult.After(TimeSpan.FromSeconds(Math.Min(5, (limit - elapsed).TotalSeconds + 0.1)));
    }

    private async Task<ReconcileResult> TearDownAsync(SandboxRecord sandbox, CancellationToken cancellationToken)
    {
        if (sandbox.Status.Phase == SandboxPhase.Stopped)
        {
            return ReconcileResult.Done;
        }

        await SetPhaseAsync(sandbox, SandboxPhase.Stopping, "deleted", cancellationToken);
        await driver.StopAsync(sandbox.Id, options.StopGrace, cancellationToken);
        await driver.DestroyAsync(sandbox.Id, cancellationToken);
        _probed.TryRemove(sandbox.Id, out _);
        _launches.TryRemove(sandbox.Id, out _);
        _startingSince.TryRemove(sandbox.Id, out _);
        sandbox = await store.GetAsync(sandbox.Id, cancellationToken) ?? throw new InvalidOperationException("sandbox vanished");
        await SetPhaseAsync(sandbox, SandboxPhase.Stopped, "deleted", cancellationToken);
        return ReconcileResult.Done;
    }

    /// <summary>Records the phase (and the observed agent state with it) when anything it shows changed.</summary>
    public async Task SetPhaseAsync(SandboxRecord sandbox, SandboxPhase phase, string reason, CancellationToken cancellationToken)
    {
        var agent = observed.Get(sandbox.Id);
        var status = sandbox.Status.Clone();
        var changed = status.Phase != phase || status.Reason != reason || status.AgentConnected != agent.Connected
            || status.AgentLifecycle != agent.Lifecycle || status.ObservedGeneration != agent.AppliedGeneration
            || status.Generation != (ulong)sandbox.Generation;
        if (!changed)
        {
            return;
        }

        if (status.Phase != phase)
        {
            status.PhaseSince = Timestamp.FromDateTimeOffset(time.GetUtcNow());
        }

        status.Phase = phase;
        status.Reason = reason;
        status.AgentConnected = agent.Connected;
        status.AgentLifecycle = agent.Lifecycle;
        status.Generation = (ulong)sandbox.Generation;
        status.ObservedGeneration = agent.AppliedGeneration;
        if (agent.SeenAt is { } seen)
        {
            status.AgentSeenAt = Timestamp.FromDateTimeOffset(seen);
        }

        status.Processes.Clear();
        status.Processes.Add(agent.Processes.Values.OrderBy(p => p.Name, StringComparer.Ordinal));
        await store.UpdateStatusAsync(sandbox.Id, status, sandbox.Revision, cancellationToken);
    }

    private sealed record Launches(int QuickExits, DateTimeOffset At);
}
