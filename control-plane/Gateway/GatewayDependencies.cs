using Microsoft.Extensions.Logging;
using RemoteDev.ControlPlane.Metrics;
using RemoteDev.ControlPlane.Observed;
using RemoteDev.ControlPlane.Output;
using RemoteDev.ControlPlane.Store;

namespace RemoteDev.ControlPlane.Gateway;

/// <summary>What every agent session shares.</summary>
internal sealed record GatewayDependencies(
    ControlPlaneOptions Options,
    IOutputStore Output,
    OutputHub Hub,
    ObservedState Observed,
    ControlPlaneMetrics Metrics,
    TimeProvider Time,
    ILogger<AgentSession> Logger);
