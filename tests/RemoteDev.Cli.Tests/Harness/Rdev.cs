using System.Diagnostics;
using System.Text;

namespace RemoteDev.Cli.Tests.Harness;

/// <summary>
/// Runs the built rdev binary as a child process against one control plane. The API key comes the way an operator
/// on the control plane's machine gets it: REMOTEDEV_DATA_DIR names the directory holding admin.key.
/// </summary>
public sealed class Rdev(ControlPlaneProcess controlPlane)
{
    public Task<RdevResult> RunAsync(params string[] args) => RunAsync(new RdevRun(args));

    public async Task<RdevResult> RunAsync(RdevRun run)
    {
        // Through env(1) with SIGINT at its default: a test run started in the background by a shell inherits SIGINT
        // ignored, and rdev, like any program, keeps an ignored SIGINT ignored, so Ctrl-C would never arrive.
        string[] command = ["/usr/bin/env", "--default-signal=INT", RepoPaths.Rdev, .. run.Args];
        if (run.ShellRedirect is { } redirect)
        {
            // The exit code is rdev's, not that of what its output goes to.
            command = ["/bin/bash", "-c", $"\"$@\" {redirect}; exit \"${{PIPESTATUS[0]}}\"", "bash", .. command];
        }

        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in command[1..])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("RDEV_API_KEY");
        start.Environment["RDEV_SERVER"] = controlPlane.Server;
        start.Environment["REMOTEDEV_DATA_DIR"] = run.DataDir ?? controlPlane.DataDir;
        foreach (var (name, value) in run.Environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("rdev did not start");
        using var timeout = new CancellationTokenSource(run.Timeout);
        var stdout = new MemoryStream();
        var copyOut = CopyStdoutAsync(process, stdout, run, timeout.Token);
        var stderr = new StringBuilder();
        var copyErr = CopyStderrAsync(process, stderr, timeout.Token);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var feeding = Task.CompletedTask;
        if (run.StdinFeed is { } feed)
        {
            feeding = feed(process.StandardInput, () => Snapshot(stderr), running.Token);
        }
        else
        {
            await process.StandardInput.BaseStream.WriteAsync(run.Stdin, timeout.Token);
            process.StandardInput.Close();
        }

        try
        {
            await process.WaitForExitAsync(timeout.Token);
            await copyOut;
            await copyErr;
            await FeedEndAsync(feeding, running);
            return new RdevResult(process.ExitCode, stdout.ToArray(), Snapshot(stderr));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"rdev {string.Join(' ', run.Args)} still running after {run.Timeout}; stdout so far: {Encoding.UTF8.GetString(stdout.ToArray())}; stderr so far: {Snapshot(stderr)}");
        }
    }

    /// <summary>
    /// A feed still writing or waiting once rdev exited is stopped: the test then judges rdev by its exit and output.
    /// </summary>
    private static async Task FeedEndAsync(Task feeding, CancellationTokenSource running)
    {
        await running.CancelAsync();
        try
        {
            await feeding;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }
    }

    private static async Task CopyStderrAsync(Process process, StringBuilder stderr, CancellationToken cancellationToken)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await process.StandardError.ReadAsync(buffer, cancellationToken)) > 0)
        {
            lock (stderr)
            {
                stderr.Append(buffer, 0, read);
            }
        }
    }

    private static string Snapshot(StringBuilder stderr)
    {
        lock (stderr)
        {
            return stderr.ToString();
        }
    }

    /// <summary>
    /// Collects stdout, pausing as <see cref="RdevRun.StdoutHold"/> says; a long-running command (watch) gets Ctrl-C
    /// (SIGINT) once its output satisfies StopWhen.
    /// </summary>
    private static async Task CopyStdoutAsync(Process process, MemoryStream stdout, RdevRun run, CancellationToken cancellationToken)
    {
        var stopWhen = run.StopWhen;
        var hold = run.StdoutHold;
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await process.StandardOutput.BaseStream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            stdout.Write(buffer, 0, read);
            if (hold is not null && Encoding.UTF8.GetString(stdout.ToArray()).Contains(hold.After, StringComparison.Ordinal))
            {
                await hold.Until(cancellationToken);
                hold = null;
            }

            if (stopWhen is not null && stopWhen(Encoding.UTF8.GetString(stdout.ToArray())))
            {
                _ = PosixSignals.Send(process.Id, PosixSignals.SigInt);
                stopWhen = null;
            }
        }
    }
}

/// <summary>One invocation: arguments, the bytes on its stdin, optionally another data dir (for the API key file).</summary>
public sealed record RdevRun(string[] Args)
{
    public byte[] Stdin { get; init; } = [];

    /// <summary>
    /// Writes rdev's stdin (bytes to its BaseStream) instead of <see cref="Stdin"/>, while rdev runs, and closes it when
    /// rdev should see its end; it is given rdev's stderr so far and a token cancelled once rdev exited.
    /// </summary>
    public Func<StreamWriter, Func<string>, CancellationToken, Task>? StdinFeed { get; init; }

    public string? DataDir { get; init; }

    /// <summary>Environment variables on top of the ones every run gets (RDEV_API_KEY is never inherited).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>For commands that run until interrupted: Ctrl-C (SIGINT) once rdev's stdout so far satisfies this.</summary>
    public Func<string, bool>? StopWhen { get; init; }

    /// <summary>A terminal that stops keeping up: once stdout shows Hold.After, it goes unread until Hold.Until completes.</summary>
    public StdoutHold? StdoutHold { get; init; }

    /// <summary>
    /// Runs rdev through bash with this after its command line: "| head -n 1" (a reader that exits after one line and
    /// so closes the pipe rdev writes to; stdout is then what head printed), "> /dev/full", "&lt; /". The exit code
    /// stays rdev's.
    /// </summary>
    public string? ShellRedirect { get; init; }

    /// <summary>Longer than this, and the run fails (rdev is killed).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);
}

public sealed record StdoutHold(string After, Func<CancellationToken, Task> Until);
