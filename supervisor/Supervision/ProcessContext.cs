using Microsoft.Extensions.Logging;
using RemoteDev.Supervisor.Env;
using RemoteDev.Supervisor.Events;
using RemoteDev.Supervisor.Native;

namespace RemoteDev.Supervisor.Supervision;

/// <summary>What every process actor shares with the supervisor.</summary>
internal sealed record ProcessContext(
    SupervisorOptions Options,
    string Identity,
    TimeProvider Time,
    ILogger Logger,
    IoLoop Io,
    EventHub Events,
    EnvResolver Env,
    Action<ProcessSpec> RefreshUnwatchedEnv,
    Func<string, ProcessActor?> Lookup,
    Func<Task> NextMembershipChange,
    Func<bool> ConfiguredSetKnown,
    Action<ProcessActor> DesiredChanged);
