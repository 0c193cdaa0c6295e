using Microsoft.Extensions.Logging;
using RemoteDev.Agent.Commands;
using RemoteDev.Agent.Configuration;
using RemoteDev.Agent.Desired;
using RemoteDev.Agent.Hosting;
using RemoteDev.Agent.Lifecycle;
using RemoteDev.Agent.Resources;

namespace RemoteDev.Agent.Link;

/// <summary>What a link session works with; lives as long as the agent.</summary>
internal sealed record LinkServices(
    AgentOptions Options,
    IProcessHost Host,
    LifecycleTracker Lifecycle,
    Reconciler Reconciler,
    CommandDispatcher Commands,
    UsageSampler Usage,
    StreamProgress Progress,
    TimeProvider Time,
    ILogger Logger);
