using RemoteDev.Supervisor;

namespace RemoteDev.Bench.Supervisor;

/// <summary>
/// Host mode for the memory measurement: `supervisor-host COUNT` supervises COUNT sleepers, prints "ready" when all
/// run, and shuts down when its stdin closes.
/// </summary>
internal sealed class SupervisorHostBenchmark : IBenchmark
{
    public string Name => "supervisor-host";

    public string Description => "(internal) a supervisor process for the supervisor benchmark";

    public async Task RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var count = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
        await using var ours = await Ours.StartAsync();
        await ours.Supervisor.ReconcileAsync(Ours.Sleepers(count), cancellationToken);
        foreach (var spec in Ours.Sleepers(count))
        {
            await ours.Supervisor.WaitForStateAsync(spec.Name, ProcessState.Running, TimeSpan.FromSeconds(30), cancellationToken);
        }

        Console.WriteLine("ready");
        await Console.In.ReadToEndAsync(cancellationToken);
    }
}
