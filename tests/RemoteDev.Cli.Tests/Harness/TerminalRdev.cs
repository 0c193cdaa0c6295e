using System.Diagnostics;
using System.Text;

namespace RemoteDev.Cli.Tests.Harness;

/// <summary>
/// rdev on a real pseudo-terminal: util-linux `script` gives it one (window size set with stty first), the test
/// types into it and reads what the terminal shows.
/// </summary>
public sealed class TerminalRdev : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _screen = new();
    private readonly Task _reader;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TerminalRdev(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
    }

    public static TerminalRdev Start(ControlPlaneProcess controlPlane, string rows, string cols, params string[] args)
    {
        var command = $"stty rows {rows} cols {cols}; exec {Quote(RepoPaths.Rdev)} {string.Join(' ', args.Select(Quote))}";
        var start = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--quiet", "--flush", "--return", "--echo", "never", "--command", command, "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("RDEV_API_KEY");
        start.Environment["RDEV_SERVER"] = controlPlane.Server;
        start.Environment["REMOTEDEV_DATA_DIR"] = controlPlane.DataDir;
        return new TerminalRdev(Process.Start(start) ?? throw new InvalidOperationException("script did not start"));
    }

    public string Screen
    {
        get
        {
            lock (_screen)
            {
                return _screen.ToString();
            }
        }
    }

    public Task WaitForOutputAsync(string text) => WaitForOutputAsync(text, occurrences: 1);

    public async Task WaitForOutputAsync(string text, int occurrences)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            Task changed;
            lock (_screen)
            {
                if (_screen.ToString().Split(text).Length > occurrences)
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"'{text}' did not appear {occurrences} times on the terminal; it shows: {Screen}");
            }
        }
    }

    public async Task TypeAsync(byte[] keys)
    {
        await _process.StandardInput.BaseStream.WriteAsync(keys);
        await _process.StandardInput.BaseStream.FlushAsync();
    }

    /// <summary>rdev's exit code (script --return passes it through).</summary>
    public async Task<int> ExitCodeAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _process.WaitForExitAsync(timeout.Token);
        await _reader;
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private async Task ReadAsync()
    {
        var buffer = new byte[4096];
        int read;
        while ((read = await _process.StandardOutput.BaseStream.ReadAsync(buffer)) > 0)
        {
            lock (_screen)
            {
                _screen.Append(Encoding.UTF8.GetString(buffer, 0, read));
                _changed.TrySetResult();
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }
}
