using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RemoteDev.Cli.Tests.Harness;

/// <summary>
/// rdev on a real pseudo-terminal: util-linux `script` gives it one (window size set with stty first), the test
/// types into it and reads what the terminal shows.
/// </summary>
public sealed partial class TerminalRdev : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _screen = new();
    private readonly Task _reader;
    private bool _closed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TerminalRdev(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
    }

    public static TerminalRdev Start(ControlPlaneProcess controlPlane, string rows, string cols, params string[] args) =>
        Start(controlPlane, $"stty rows {rows} cols {cols}; exec {RdevCommand(args)}");

    /// <summary>
    /// rdev run by a shell on a 24x80 terminal with echo on, as a login shell leaves it. The shell prints rdev's pid
    /// and the terminal's name first (<see cref="RdevPidAsync"/>, <see cref="ModesAsync"/>), and once rdev ended
    /// its exit code and the terminal's modes (<see cref="RdevEndAsync"/>). SIGINT is at its default for rdev, as in
    /// <see cref="Rdev"/>, so that the test can send it. The shell itself ignores SIGINT, as a job-control shell never
    /// sees the Ctrl-C meant for its foreground job: dash without job control would die of it and never report.
    /// </summary>
    public static TerminalRdev StartInShell(ControlPlaneProcess controlPlane, params string[] args) =>
        Start(controlPlane, $"stty rows 24 cols 80 echo; trap '' INT; sh -c 'echo \"rdev-pid=$$ tty=$(tty)\"; exec \"$0\" \"$@\"' env --default-signal=INT {RdevCommand(args)}; echo \"rdev-exit=$?\"; stty -a");

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

    public Task WaitForOutputAsync(string text, int occurrences) =>
        WaitForScreenAsync(screen => screen.Split(text).Length > occurrences, $"'{text}' did not appear {occurrences} times");

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

    /// <summary>With <see cref="StartInShell"/>.</summary>
    public async Task<int> RdevPidAsync() => int.Parse((await ShellSaidAsync(PidLine())).Groups["pid"].Value, CultureInfo.InvariantCulture);

    /// <summary>With <see cref="StartInShell"/>: the terminal's output processing, line editing and echo flags now, like "opost icanon echo".</summary>
    public async Task<string> ModesAsync()
    {
        var tty = (await ShellSaidAsync(PidLine())).Groups["tty"].Value;
        var start = new ProcessStartInfo("stty") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-F", tty, "-a" })
        {
            start.ArgumentList.Add(arg);
        }

        using var stty = Process.Start(start) ?? throw new InvalidOperationException("stty did not start");
        var settings = await stty.StandardOutput.ReadToEndAsync();
        await stty.WaitForExitAsync();
        return Modes(settings);
    }

    /// <summary>With <see cref="StartInShell"/>: rdev's exit code and the modes it left the terminal in (see <see cref="ModesAsync"/>).</summary>
    public async Task<(int ExitCode, string Modes)> RdevEndAsync()
    {
        await ExitCodeAsync();
        var end = await ShellSaidAsync(ExitLine());
        return (int.Parse(end.Groups["code"].Value, CultureInfo.InvariantCulture), Modes(Screen[(end.Index + end.Length)..]));
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

    private static TerminalRdev Start(ControlPlaneProcess controlPlane, string command)
    {
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

        // script runs $SHELL: the same shell here as on a CI machine, where SHELL may be unset (then /bin/sh).
        start.Environment["SHELL"] = "/bin/sh";
        start.Environment.Remove("RDEV_API_KEY");
        start.Environment["RDEV_SERVER"] = controlPlane.Server;
        start.Environment["REMOTEDEV_DATA_DIR"] = controlPlane.DataDir;
        return new TerminalRdev(Process.Start(start) ?? throw new InvalidOperationException("script did not start"));
    }

    private static string RdevCommand(string[] args) => $"{Quote(RepoPaths.Rdev)} {string.Join(' ', args.Select(Quote))}";

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The opost, icanon and echo flags of `stty -a` output, "-" marking one that is off.</summary>
    private static string Modes(string settings) =>
        string.Join(' ', settings.Split([' ', ';', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Where(flag => flag.TrimStart('-') is "opost" or "icanon" or "echo"));

    private async Task<Match> ShellSaidAsync(Regex line)
    {
        var match = Match.Empty;
        await WaitForScreenAsync(screen => (match = line.Match(screen)).Success, $"no line like {line}");
        return match;
    }

    private async Task WaitForScreenAsync(Func<string, bool> shows, string failure)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            Task changed;
            lock (_screen)
            {
                if (shows(_screen.ToString()))
                {
                    return;
                }

                if (_closed)
                {
                    throw new InvalidOperationException($"{failure} on the terminal, which has closed; it showed: {_screen}");
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{failure} on the terminal; it shows: {Screen}");
            }
        }
    }

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

        lock (_screen)
        {
            _closed = true;
            _changed.TrySetResult();
        }
    }

    [GeneratedRegex(@"rdev-pid=(?<pid>\d+) tty=(?<tty>\S+)\r\n")]
    private static partial Regex PidLine();

    [GeneratedRegex(@"rdev-exit=(?<code>\d+)\r?\n")]
    private static partial Regex ExitLine();
}
