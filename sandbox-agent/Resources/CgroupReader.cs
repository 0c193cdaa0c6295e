using System.Globalization;

namespace RemoteDev.Agent.Resources;

internal enum CgroupVersion
{
    V2,
    V1,

    /// <summary>No readable cgroup files: the sandbox figure is the agent plus its supervised processes.</summary>
    None,
}

/// <summary>
/// The sandbox's CPU and memory from its cgroup: v2 (`cpu.stat` usage_usec, `memory.current`) or v1
/// (`cpuacct.usage`, `memory.usage_in_bytes`). In a container the namespace root is the sandbox's own cgroup.
/// </summary>
internal sealed class CgroupReader(string root, Func<(ulong CpuUsec, ulong Memory)> processTotals)
{
    public CgroupVersion Version { get; } = Detect(root);

    public (ulong CpuUsec, ulong MemoryBytes) Read()
    {
        try
        {
            return Version switch
            {
                CgroupVersion.V2 => (CpuStatUsec(Path.Combine(root, "cpu.stat")), Number(Path.Combine(root, "memory.current"))),
                CgroupVersion.V1 => (Number(Path.Combine(root, "cpuacct", "cpuacct.usage")) / 1000, Number(Path.Combine(root, "memory", "memory.usage_in_bytes"))),
                _ => processTotals(),
            };
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return processTotals();
        }
    }

    private static CgroupVersion Detect(string root) =>
        File.Exists(Path.Combine(root, "cpu.stat")) && File.Exists(Path.Combine(root, "memory.current")) ? CgroupVersion.V2
        : File.Exists(Path.Combine(root, "cpuacct", "cpuacct.usage")) && File.Exists(Path.Combine(root, "memory", "memory.usage_in_bytes")) ? CgroupVersion.V1
        : CgroupVersion.None;

    private static ulong Number(string file) => ulong.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);

    private static ulong CpuStatUsec(string file)
    {
        foreach (var line in File.ReadLines(file))
        {
            if (line.StartsWith("usage_usec ", StringComparison.Ordinal))
            {
                return ulong.Parse(line["usage_usec ".Length..], CultureInfo.InvariantCulture);
            }
        }

        throw new FormatException($"{file} has no usage_usec");
    }
}
