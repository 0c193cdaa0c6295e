using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using RemoteDev.V1;

namespace RemoteDev.Agent.Resources;

/// <summary>
/// CPU and memory per process (from /proc/&lt;pid&gt;) and for the sandbox (from its cgroup, see
/// <see cref="CgroupReader"/>). CPU cores are the CPU time used since the previous sample over the wall time.
/// </summary>
internal sealed class UsageSampler(CgroupReader cgroup, TimeProvider time)
{
    private readonly Lock _gate = new();
    private Dictionary<string, ulong> _previousCpu = [];
    private long _previousAt = Stopwatch.GetTimestamp();

    public ResourceUsage Sample(IReadOnlyList<ProcessStatus> processes)
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            var elapsedUsec = Math.Max(1, Stopwatch.GetElapsedTime(_previousAt, now).TotalMicroseconds);
            var usage = new ResourceUsage { Time = Timestamp.FromDateTimeOffset(time.GetUtcNow()) };
            var cpu = new Dictionary<string, ulong>();
            foreach (var process in processes)
            {
                if (process.Pid > 0 && ProcStat.Read(process.Pid) is { } stat)
                {
                    cpu[process.Name] = stat.CpuUsec;
                    usage.Processes[process.Name] = Build(stat.CpuUsec, stat.RssBytes, _previousCpu.GetValueOrDefault(process.Name, stat.CpuUsec), elapsedUsec);
                }
            }

            var sandbox = cgroup.Read();
            cpu[""] = sandbox.CpuUsec;
            usage.Sandbox = Build(sandbox.CpuUsec, sandbox.MemoryBytes, _previousCpu.GetValueOrDefault("", sandbox.CpuUsec), elapsedUsec);
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
