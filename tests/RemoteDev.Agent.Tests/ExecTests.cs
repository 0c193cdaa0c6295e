using System.Diagnostics;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RemoteDev.Agent.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests;

public sealed class ExecTests(LinkFixture fixture) : IClassFixture<LinkFixture>
{
    private static readonly TimeSpan PromptAnswer = TimeSpan.FromSeconds(10);

    private LinkHarness Link => fixture.Link;

    [Fact]
    public async Task Exec_answers_when_the_command_exits_leaving_a_background_child_on_its_output_and_the_child_keeps_running()
    {
        var pidFile = Path.Combine(Link.Agent.Root, "background.pid");
        var exec = new ExecCommand
        {
            Command = { "sh", "-c", $"echo started; sleep 600 & echo $! > {pidFile}" },
            Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(30)),
        };

        var clock = Stopwatch.StartNew();
        var result = await Link.RunAsync(new Command { Exec = exec });
        var answeredAfter = clock.Elapsed;

        using var child = Process.GetProcessById(int.Parse(await File.ReadAllTextAsync(pidFile)));
        try
        {
            Assert.True(answeredAfter < PromptAnswer, $"answered after {answeredAfter}");
            Assert.Equal(0, result.Exec.ExitCode);
            Assert.False(result.Exec.TimedOut);
            Assert.Equal("started\n", Link.State.Read(s => Encoding.UTF8.GetString(s.ExecOutput[result.Id].ToArray())));
            Assert.Contains(") S ", await File.ReadAllTextAsync($"/proc/{child.Id}/stat"), StringComparison.Ordinal);
        }
        finally
        {
            child.Kill();
        }
    }

    [Fact]
    public async Task Exec_of_a_command_a_signal_killed_reports_the_signal_and_no_exit_code()
    {
        var exec = new ExecCommand { Command = { "sh", "-c", "kill -TERM $$" } };

        var result = await Link.RunAsync(new Command { Exec = exec });

        Assert.Equal(0, result.Code);
        Assert.Equal(new ExecExit { Signal = "SIGTERM" }, result.Exec);
    }

    [Fact]
    public async Task Exec_of_a_command_that_exits_137_reports_exit_code_137_and_no_signal()
    {
        var exec = new ExecCommand { Command = { "sh", "-c", "exit 137" } };

        var result = await Link.RunAsync(new Command { Exec = exec });

        Assert.Equal(0, result.Code);
        Assert.Equal(new ExecExit { ExitCode = 137 }, result.Exec);
    }

    [Fact]
    public async Task Exec_runs_in_its_cwd_with_PWD_naming_it_whatever_PWD_it_was_given()
    {
        var cwd = Directory.CreateDirectory(Path.Combine(Link.Agent.Root, "exec-cwd")).FullName;
        var exec = new ExecCommand { Command = { "printenv", "PWD" }, Cwd = cwd, Env = { ["PWD"] = "/elsewhere" } };

        var result = await Link.RunAsync(new Command { Exec = exec });

        Assert.Equal($"{cwd}\n", Link.State.Read(s => Encoding.UTF8.GetString(s.ExecOutput[result.Id].ToArray())));
    }

    [Fact]
    public async Task Exec_of_an_executable_not_on_PATH_is_answered_not_found()
    {
        var result = await Link.RunAsync(new Command { Exec = new ExecCommand { Command = { "no-such-command-xyz" } } });

        Assert.Equal((int)Grpc.Core.StatusCode.NotFound, result.Code);
        Assert.Equal("exec.command: no-such-command-xyz not found or not executable", result.Message);
    }

    [Fact]
    public async Task Exec_in_a_cwd_that_does_not_exist_is_answered_invalid_argument()
    {
        var cwd = Path.Combine(Link.Agent.Root, "no-such-dir");

        var result = await Link.RunAsync(new Command { Exec = new ExecCommand { Command = { "true" }, Cwd = cwd } });

        Assert.Equal((int)Grpc.Core.StatusCode.InvalidArgument, result.Code);
        Assert.Equal($"exec.cwd does not exist: {cwd}", result.Message);
    }

    [Fact]
    public async Task Exec_of_a_command_that_never_reads_a_megabyte_of_stdin_times_out_at_its_timeout()
    {
        var exec = new ExecCommand
        {
            Command = { "sleep", "600" },
            Stdin = ByteString.CopyFrom(new byte[1024 * 1024]),
            Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(1)),
        };

        var clock = Stopwatch.StartNew();
        var result = await Link.RunAsync(new Command { Exec = exec });

        Assert.True(clock.Elapsed < PromptAnswer, $"answered after {clock.Elapsed}");
        Assert.True(result.Exec.TimedOut, result.ToString());
    }

    [Fact]
    public async Task Exec_cancelled_by_the_control_plane_is_answered_cancelled_and_its_processes_are_killed()
    {
        var pidFile = Path.Combine(Link.Agent.Root, "cancelled.pid");
        var command = new Command
        {
            Id = Guid.NewGuid().ToString("N"),
            OutputWindow = GatewayState.ExecOutputWindow,
            Exec = new ExecCommand
            {
                Command = { "sh", "-c", $"sleep 600 & echo $! > {pidFile}.tmp; mv {pidFile}.tmp {pidFile}; wait" },
                Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(300)),
            },
        };
        Link.State.Send(new ControlMessage { Command = command });
        var sleeper = await UntilAsync(() => File.Exists(pidFile) ? int.Parse(File.ReadAllText(pidFile)) : (int?)null, "the exec's background sleep");

        Link.State.Send(new ControlMessage { Cancel = new CancelCommand { Id = command.Id } });

        var result = await Link.WaitAsync(s => s.Results.GetValueOrDefault(command.Id), "the cancelled exec's result");
        Assert.Equal((int)Grpc.Core.StatusCode.Cancelled, result.Code);
        await UntilAsync(() => IsGone(sleeper) ? true : (bool?)null, $"sleep {sleeper} killed");
    }

    private static bool IsGone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return true;
        }
    }

    private static async Task<T> UntilAsync<T>(Func<T?> probe, string what)
        where T : struct
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < AgentProcess.Patience)
        {
            if (probe() is { } value)
            {
                return value;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"gave up waiting for {what}");
    }
}
