using System.Globalization;
using System.Text;

namespace RemoteDev.ControlPlane.Metrics;

/// <summary>Counters and the RPC latency histogram, written in the Prometheus text exposition format.</summary>
internal sealed class ControlPlaneMetrics
{
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long[]> _latencyBuckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Count, double Sum)> _latencyTotals = new(StringComparer.Ordinal);
    private long _connectedAgents;
    private long _bytesFromAgents;
    private long _bytesToOperators;
    private long _sandboxesPurged;
    private long _sandboxPurgeFailures;

    public void AgentConnected() => Interlocked.Increment(ref _connectedAgents);

    public void AgentDisconnected() => Interlocked.Decrement(ref _connectedAgents);

    public void BytesFromAgents(long count) => Interlocked.Add(ref _bytesFromAgents, count);

    public void BytesToOperators(long count) => Interlocked.Add(ref _bytesToOperators, count);

    public void SandboxesPurged(int count) => Interlocked.Add(ref _sandboxesPurged, count);

    public void SandboxPurgeFailed() => Interlocked.Increment(ref _sandboxPurgeFailures);

    public long ConnectedAgents => Interlocked.Read(ref _connectedAgents);

    public void ObserveRpc(string method, TimeSpan elapsed)
    {
        var seconds = elapsed.TotalSeconds;
        lock (_gate)
        {
            if (!_latencyBuckets.TryGetValue(method, out var buckets))
            {
                buckets = new long[LatencyBuckets.Length];
                _latencyBuckets[method] = buckets;
            }

            for (var i = 0; i < LatencyBuckets.Length; i++)
            {
                if (seconds <= LatencyBuckets[i])
                {
                    buckets[i]++;
                }
            }

            var (count, sum) = _latencyTotals.GetValueOrDefault(method);
            _latencyTotals[method] = (count + 1, sum + seconds);
        }
    }

    public string Render(IReadOnlyDictionary<string, int> sandboxesByPhase)
    {
        var text = new StringBuilder();
        text.Append("# HELP remotedev_connected_agents Agents with an open link.\n# TYPE remotedev_connected_agents gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"remotedev_connected_agents {ConnectedAgents}\n");
        text.Append("# HELP remotedev_sandboxes Sandboxes by phase.\n# TYPE remotedev_sandboxes gauge\n");
        foreach (var (phase, count) in sandboxesByPhase.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"remotedev_sandboxes{{phase=\"{phase}\"}} {count}\n");
        }

        text.Append("# HELP remotedev_sandboxes_purged_total Deleted sandboxes purged after their retention.\n# TYPE remotedev_sandboxes_purged_total counter\n");
        text.Append(CultureInfo.InvariantCulture, $"remotedev_sandboxes_purged_total {Interlocked.Read(ref _sandboxesPurged)}\n");
        text.Append("# HELP remotedev_sandbox_purge_failures_total Purges of a deleted sandbox that failed (each is tried again after a backoff).\n# TYPE remotedev_sandbox_purge_failures_total counter\n");
        text.Append(CultureInfo.InvariantCulture, $"remotedev_sandbox_purge_failures_total {Interlocked.Read(ref _sandboxPurgeFailures)}\n");
        text.Append("# HELP remotedev_output_bytes_total Process output bytes streamed.\n# TYPE remotedev_output_bytes_total counter\n");
        text.Append(CultureInfo.InvariantCulture, $"remotedev_output_bytes_total{{direction=\"from_agents\"}} {Interlocked.Read(ref _bytesFromAgents)}\n");
        text.Append(CultureInfo.InvariantCulture, $"remotedev_output_bytes_total{{direction=\"to_operators\"}} {Interlocked.Read(ref _bytesToOperators)}\n");
        text.Append("# HELP remotedev_managed_heap_bytes Managed heap in use (GC.GetTotalMemory).\n# TYPE remotedev_managed_heap_bytes gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"remotedev_managed_heap_bytes {GC.GetTotalMemory(forceFullCollection: false)}\n");
        text.Append("# HELP remotedev_resident_bytes Resident set size of the control plane.\n# TYPE remotedev_resident_bytes gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"remotedev_resident_bytes {Environment.WorkingSet}\n");
        text.Append("# HELP remotedev_rpc_duration_seconds gRPC call duration.\n# TYPE remotedev_rpc_duration_seconds histogram\n");
        lock (_gate)
        {
            foreach (var (method, buckets) in _latencyBuckets.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                for (var i = 0; i < LatencyBuckets.Length; i++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"remotedev_rpc_duration_seconds_bucket{{method=\"{method}\",le=\"{LatencyBuckets[i]}\"}} {buckets[i]}\n");
                }

                var (count, sum) = _latencyTotals[method];
                text.Append(CultureInfo.InvariantCulture, $"remotedev_rpc_duration_seconds_bucket{{method=\"{method}\",le=\"+Inf\"}} {count}\n");
                text.Append(CultureInfo.InvariantCulture, $"remotedev_rpc_duration_seconds_sum{{method=\"{method}\"}} {sum}\n");
                text.Append(CultureInfo.InvariantCulture, $"remotedev_rpc_duration_seconds_count{{method=\"{method}\"}} {count}\n");
            }
        }

        return text.ToString();
    }
}
