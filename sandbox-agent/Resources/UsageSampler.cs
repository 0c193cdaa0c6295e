using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using RemoteDev.Agent.Hosting;
using RemoteDev.V1;

namespace RemoteDev.Agent.Resources;

/// <summary>
/// CPU and memory per process (summed over its process group, from /proc) and for the sandbox (from its cgroup, see
/// <see cref="CgroupReader"/>). CPU cores are the CPU time used since the previous sample over the wall time.
/// </summary>
internal sealed class UsageSampler(IProcessHost host, CgroupReader cgroup, TimeProvider time)
{
    private const string SandboxKey = "";
    private readonly Lock _gate = new();
    private Dictionary<string, ulong> _previousCpu = [];
    private long _previousAt = Stopwatch.GetTimestamp();

    public ResourceUsage Sample()
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var elapsedUsec = Math.Max(1, Stopwatch.GetElapsedTime(_previousAt, now).TotalMicroseconds);
            var usage = new ResourceUsage { Time = Timestamp.FromDateTimeOffset(time.GetUtcNow()) };
            var cpu = new Dictionary<string, ulong>();
            foreach (var process in host.List([]))
            {
                if (host.Usage(process.Name) is { } sample)
                {
                    cpu[process.Name] = sample.CpuUsec;
                    usage.Processes[process.Name] = Build(sample.CpuUsec, sample.MemoryBytes, _previousCpu.GetValueOrDefault(process.Name, sample.CpuUsec), elapsedUsec);
                }
            }

            var sandbox = cgroup.Read();
            cpu[SandboxKey] = sandbox.CpuUsec;
            usage.Sandbox = Build(sandbox.CpuUsec, sandbox.MemoryBytes, _previousCpu.GetValueOrDefault(SandboxKey, sandbox.CpuUsec), elapsedUsec);
            _previousCpu = cpu;
            _previousAt = now;
            return usage;
        }
    }

    private static ResourceSample Build(ulong cpuUsec, ulong memory, ulong previousCpuUsec, double elapsedUsec) => new()
    {
        CpuUsec = cpuUsec,
        MemoryBytes = memory,
        CpuCores = cpuUsec >= previousCpuUsec ? (cpuUsec - previousCpuUsec) / elapsedUsec : 0,
    };
}
