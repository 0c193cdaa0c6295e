using Microsoft.Extensions.Logging.Abstractions;
using RemoteDev.Supervisor;

namespace RemoteDev.Bench.Supervisor;

/// <summary>A RemoteDev supervisor in this process over temp folders.</summary>
internal sealed class Ours : IAsyncDisposable
{
    private Ours(string root, ProcessSupervisor supervisor)
    {
        Root = root;
        Supervisor = supervisor;
    }

    public string Root { get; }

    public ProcessSupervisor Supervisor { get; }

    public string EnvDirectory => Path.Combine(Root, "env");

    public static async Task<Ours> StartAsync(string root)
    {
        var options = new SupervisorOptions
        {
            StateDirectory = Path.Combine(root, "state"),
            EnvDirectory = Path.Combine(root, "env"),
            WorkspaceDirectory = root,
            LogFileMaxBytes = 64L * 1024 * 1024,
        };
        var supervisor = await ProcessSupervisor.StartAsync(options, NullLoggerFactory.Instance, TimeProvider.System, CancellationToken.None);
        return new Ours(root, supervisor);
    }

    public static Task<Ours> StartAsync() =>
        StartAsync(Path.Combine(Path.GetTempPath(), "bench-ours-" + Guid.NewGuid().ToString("N")[..8]));

    public static ProcessSpec Sleeper(int i) => new()
    {
        Name = $"sleep{i}",
        Command = "sleep",
        Args = ["1000"],
    };

    public static IReadOnlyList<ProcessSpec> Sleepers(int count) => Enumerable.Range(0, count).Select(Sleeper).ToList();

    public async ValueTask DisposeAsync()
    {
        await Supervisor.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}

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
