using System.Diagnostics;
using System.Globalization;
using RemoteDev.Testing;

namespace RemoteDev.ControlPlane.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL server for this process: initdb into a fresh temp dir owned by `postgres`, started on a
/// free 127.0.0.1 port with its socket in that dir, stopped when the process exits. Servers left behind by dead
/// processes (dir name carries the pid) are stopped and removed first, so runs never collide.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string DirPrefix = "remotedev-pg-";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => StartNewAsync(durable: false));
    private readonly string _root;
    private readonly bool _durable;

    private PostgresServer(string root, int port, bool durable)
    {
        _root = root;
        Port = port;
        _durable = durable;
    }

    public int Port { get; }

    /// <summary>The connection string of the `postgres` maintenance database.</summary>
    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=30";

    private string DataDirectory => Path.Combine(_root, "data");

    public static Task<PostgresServer> GetAsync() => Shared.Value;

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=30;Command Timeout=120";

    /// <summary>
    /// A server of its own, stopped by <see cref="DisposeAsync"/> or at process exit. With durable false (tests) fsync
    /// is off: the store's durability is tested against the control plane dying, not the database host.
    /// </summary>
    public static async Task<PostgresServer> StartNewAsync(bool durable)
    {
        await ReapOrphansAsync();
        var root = Path.Combine(Path.GetTempPath(), $"{DirPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        await RunAsync("chown", "postgres:postgres", root);
        await RunAsPostgresAsync("initdb", "-D", Path.Combine(root, "data"), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8");
        for (var attempt = 1; ; attempt++)
        {
            var server = new PostgresServer(root, FreePort.Next(), durable);
            try
            {
                await server.StartAsync();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // The free port was taken between probing and binding; try another.
            }
        }
    }

    /// <summary>The connection string of a new, empty database.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N");
        await using var connection = new Npgsql.NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Shuts the server down (fast: open connections are closed), keeping its data, as a database host going down.</summary>
    public Task ShutDownAsync() => RunAsPostgresAsync("pg_ctl", "stop", "-w", "-m", "fast", "-D", DataDirectory);

    /// <summary>Starts the server on its port, at first or again after <see cref="ShutDownAsync"/>.</summary>
    public Task StartAsync() => RunAsPostgresAsync("pg_ctl", "start", "-w", "-t", ((int)StartTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        "-D", DataDirectory, "-l", Path.Combine(_root, "server.log"),
        "-o", $"-k {_root} -h 127.0.0.1 -p {Port} -c max_connections=200" + (_durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"));

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        if (Directory.Exists(_root))
        {
            StopDirectory(_root);
        }
    }

    private static void StopDirectory(string root)
    {
        using var stop = Process.Start(new ProcessStartInfo("runuser", ["-u", "postgres", "--", "pg_ctl", "stop", "-m", "immediate", "-D", Path.Combine(root, "data")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        stop.WaitForExit(TimeSpan.FromSeconds(30));
        Directory.Delete(root, recursive: true);
    }

    private static Task ReapOrphansAsync()
    {
        foreach (var dir in Directory.GetDirectories(Path.GetTempPath(), DirPrefix + "*"))
        {
            var pidText = Path.GetFileName(dir)[DirPrefix.Length..].Split('-')[0];
            if (int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid) && !IsAlive(pid) && TryClaim(dir) is { } claimed)
            {
                StopDirectory(claimed);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Moves an orphan's directory under this process's name, so that of test processes (other worktrees') reaping at
    /// the same time exactly one stops and removes it; null when another one got there first.
    /// </summary>
    private static string? TryClaim(string dir)
    {
        var claimed = Path.Combine(Path.GetTempPath(), $"{DirPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.Move(dir, claimed);
            return claimed;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    private static Task RunAsPostgresAsync(params string[] command) => RunAsync("runuser", ["-u", "postgres", "--", .. command]);

    private static async Task RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(StartTimeout);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stdout} {await stderr}");
        }
    }
}
