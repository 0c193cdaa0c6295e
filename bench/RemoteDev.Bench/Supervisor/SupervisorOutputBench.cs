using System.Diagnostics;
using System.Globalization;
using RemoteDev.Supervisor;
using static RemoteDev.Bench.Supervisor.ProcFs;
using static RemoteDev.Bench.Supervisor.SupervisorBenchmark;

namespace RemoteDev.Bench.Supervisor;

/// <summary>
/// 1 GiB through output handling: ours (ring and rotating log files) and supervisord (its log file), against the
/// same generator piped to cat into /dev/null (the floor) and into a file (the floor with the disk write).
/// </summary>
internal static class SupervisorOutputBench
{
    private const int Rounds = 3;

    public static async Task RunAsync(string label, string generator, bool withReader)
    {
        var (floors, diskFloors, ourTimes, theirTimes) = (new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>(), new List<TimeSpan>());
        var notes = string.Empty;
        for (var round = 0; round < Rounds; round++)
        {
            floors.Add(await TimeShellAsync($"{generator} | cat > /dev/null"));
            diskFloors.Add(await DiskFloorAsync(generator));
            (var ourTime, notes) = await OursAsync(generator, withReader);
            ourTimes.Add(ourTime);
            theirTimes.Add(await SupervisordAsync(generator));
        }

        var floor = Median(floors);
        Report($"{label} 1 GiB{(withReader ? " + live reader" : string.Empty)}", $"{floor / Median(ourTimes):P0} floor",
            $"supervisord {floor / Median(theirTimes):P0} (floor {Ms(floor)})", $"ours {Ms(Median(ourTimes))}, supervisord {Ms(Median(theirTimes))}");
        var diskFloor = Median(diskFloors);
        Console.WriteLine($"  to disk: the same pipe read by cat into one file beside the logs takes {Ms(diskFloor)}: ours at {diskFloor / Median(ourTimes):P0} of it, supervisord at {diskFloor / Median(theirTimes):P0}");
        Console.WriteLine("  " + notes);
    }

    /// <summary>The floor with the disk write any logging supervisor pays: the pipe read by cat into a file on the logs' filesystem.</summary>
    private static async Task<TimeSpan> DiskFloorAsync(string generator)
    {
        var file = Path.Combine(Path.GetTempPath(), $"bench-disk-floor-{Guid.NewGuid():N}.log");
        var time = await TimeShellAsync($"{generator} | cat > {file}");
        File.Delete(file);
        return time;
    }

    public static async Task<(TimeSpan Time, string Notes)> OursAsync(string generator, bool withReader)
    {
        await using var ours = await Ours.StartAsync();
        var watch = Stopwatch.StartNew();
        await ours.Supervisor.AddAsync(new ProcessSpec { Name = "gen", Command = "/bin/sh", Args = ["-c", generator], RestartPolicy = RestartPolicy.Never }, CancellationToken.None);
        var reader = ours.Supervisor.SubscribeOutput("gen", 0);
        var readerTask = Task.Run(async () =>
        {
            var (bytes, gaps) = (0L, 0L);
            while (withReader && bytes + gaps < GiB && await reader.ReadAsync(CancellationToken.None) is { } record)
            {
                (bytes, gaps) = record is OutputChunk c ? (bytes + c.Data.Length, gaps) : (bytes, gaps + (long)((OutputGap)record).Length);
            }

            return (bytes, gaps);
        });
        var done = await ours.Supervisor.WaitForStateAsync("gen", ProcessState.Exited, Long, CancellationToken.None);
        var time = watch.Elapsed;
        var (read, gapped) = await readerTask;
        var logs = Directory.GetFiles(Path.Combine(ours.Root, "state", "logs", "gen"), "*.log");
        var lastLogEnd = logs.Max(f => long.Parse(Path.GetFileNameWithoutExtension(f), CultureInfo.InvariantCulture) + new FileInfo(f).Length);
        return (time, $"ours: end offset {done.Status.OutputEnd} (lost {GiB - (long)done.Status.OutputEnd}), log files end at {lastLogEnd}, " +
            $"live reader {read} bytes + {gapped} in gaps, bench RSS {Mb(RssBytes(Environment.ProcessId))}");
    }

    private static async Task<TimeSpan> SupervisordAsync(string generator)
    {
        var watch = Stopwatch.StartNew();
        await using var supervisord = Supervisord.Start([("gen", generator.Replace("%", "%%", StringComparison.Ordinal), false)]);
        var log = Path.Combine(supervisord.Directory, "gen.log");
        await PollUntilAsync(() => File.Exists(log) && new FileInfo(log).Length >= GiB, Long);
        return watch.Elapsed;
    }
}
