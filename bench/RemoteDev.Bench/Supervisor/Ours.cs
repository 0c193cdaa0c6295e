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
