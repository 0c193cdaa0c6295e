using RemoteDev.Supervisor.Env;

namespace RemoteDev.Supervisor.Supervision;

/// <summary>A change of the process's effective environment: restart now, after its reload delay, or never.</summary>
internal sealed partial class ProcessActor
{
    private void OnEnvChanged()
    {
        if (_run is null || _state != ProcessState.Running || !EnvDiffers())
        {
            return;
        }

        SupervisorLog.EnvChanged(_ctx.Logger, Name, SpecDefaults.EnvReload(_spec).ToString());

        switch (SpecDefaults.EnvReload(_spec))
        {
            case EnvReloadOff:
                Publish(ProcessEventKind.EnvChanged, _state, "environment changed; reloadDelay off: applies at the next restart");
                break;
            case EnvReloadAfter { Delay: var delay } when delay <= TimeSpan.Zero:
                Publish(ProcessEventKind.EnvChanged, _state, "environment changed; restarting now");
                Restart(force: true, "environment changed");
                break;
            case EnvReloadAfter { Delay: var delay }:
                ArmEnvTimer(delay);
                Publish(ProcessEventKind.EnvChanged, _state, $"environment changed; restart in {delay.TotalMilliseconds} ms");
                break;
        }
    }

    private bool EnvDiffers() =>
        _run is not null && !EnvFileCache.SameEnv(_run.Env, _ctx.Env.Resolve(_spec, _ctx.Options.WorkspaceDirectory));
}
