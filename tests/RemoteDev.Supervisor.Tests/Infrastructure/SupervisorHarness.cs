using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace RemoteDev.Supervisor.Tests.Infrastructure;

/// <summary>A supervisor over its own temp folders, with helpers that wait on events instead of sleeping.</summary>
internal sealed class SupervisorHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private SupervisorHarness(string root, TimeProvider time, Func<SupervisorOptions, SupervisorOptions> configure)
    {
        Root = root;
        Time = time;
        Options = configure(new SupervisorOptions
        {
            StateDirectory = Path.Combine(root, "state"),
            EnvDirectory = Path.Combine(root, "env"),
            WorkspaceDirectory = Path.Combine(root, "work"),
        });
        Directory.CreateDirectory(Options.WorkspaceDirectory);
        Directory.CreateDirectory(Options.EnvDirectory);
    }

    public string Root { get; }

    public TimeProvider Time { get; }

    public SupervisorOptions Options { get; }

    public ProcessSupervisor Supervisor { get; private set; } = null!;

    public EventSubscription Events { get; private set; } = null!;

    public string EnvDirectory => Options.EnvDirectory;

    public static Task<SupervisorHarness> StartAsync() => StartAsync(TimeProvider.System, o => o);

    public static Task<SupervisorHarness> StartAsync(TimeProvider time) => StartAsync(time, o => o);

    public static async Task<SupervisorHarness> StartAsync(TimeProvider time, Func<SupervisorOptions, SupervisorOptions> configure)
    {
        var root = Path.Combine(Path.GetTempPath(), "sup-" + Guid.NewGuid().ToString("N")[..12]);
        var harness = new SupervisorHarness(root, time, configure);
        await harness.RestartSupervisorAsync(stopFirst: false);
        return harness;
    }

    /// <summary>Shuts the supervisor down and starts a new one over the same folders.</summary>
    public async Task RestartSupervisorAsync(bool stopFirst)
    {
        if (stopFirst)
        {
            Events.Dispose();
            await Supervisor.ShutdownAsync(CancellationToken.None);
        }

        Supervisor = await ProcessSupervisor.StartAsync(Options, NullLoggerFactory.Instance, Time, CancellationToken.None);
        Events = Supervisor.SubscribeEvents();
    }

    public static ProcessSpec Shell(string name, string script) => new()
    {
        Name = name,
        Command = "/bin/sh",
        Args = ["-c", script],
    };

    public Task<ProcessStatus> AddAsync(ProcessSpec spec) => Supervisor.AddAsync(spec, CancellationToken.None);

    public async Task<ProcessStatus> WaitForStateAsync(string name, ProcessState state)
    {
        using var realTimeout = new CancellationTokenSource(Timeout);
        var result = await Supervisor.WaitForStateAsync(name, state, Timeout, realTimeout.Token);
        Assert.True(result.Reached, $"{name} stayed {result.Status.State} ({result.Status.Reason}); output: {result.LogTail}");
        return result.Status;
    }

    /// <summary>The next event matching <paramref name="match"/> (earlier ones are skipped).</summary>
    public async Task<ProcessEvent> NextEventAsync(Func<ProcessEvent, bool> match)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (await Events.ReadAsync(cts.Token) is { } evt)
        {
            if (match(evt))
            {
                return evt;
            }
        }

        throw new InvalidOperationException("event stream ended");
    }

    public Task<ProcessEvent> NextStateAsync(string name, ProcessState state) =>
        NextEventAsync(e => e.Process == name && e.Kind == ProcessEventKind.Transition && e.State == state);

    /// <summary>Reads the process output from offset 0 until it contains <paramref name="text"/>; returns all read.</summary>
    public async Task<string> ReadOutputUntilAsync(string name, string text)
    {
        var subscription = Supervisor.SubscribeOutput(name, 0);
        var seen = new StringBuilder();
        using var cts = new CancellationTokenSource(Timeout);
        while (!seen.ToString().Contains(text, StringComparison.Ordinal))
        {
            var record = await subscription.ReadAsync(cts.Token);
            if (record is OutputChunk chunk)
            {
                seen.Append(Encoding.UTF8.GetString(chunk.Data.Span));
            }
        }

        return seen.ToString();
    }

    public void WriteEnvFile(string fileName, string content) => File.WriteAllText(Path.Combine(EnvDirectory, fileName), content);

    /// <summary>
    /// Replaces an env file atomically (a new file renamed over it), as editors do. An edit in place can be read half
    /// written when the event of an earlier write is handled late; with reloadDelay 0 that half is applied too.
    /// </summary>
    public void ReplaceEnvFile(string fileName, string content)
    {
        var next = Path.Combine(EnvDirectory, "replacing.tmp");
        File.WriteAllText(next, content);
        File.Move(next, Path.Combine(EnvDirectory, fileName), overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        Events.Dispose();
        await Supervisor.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
