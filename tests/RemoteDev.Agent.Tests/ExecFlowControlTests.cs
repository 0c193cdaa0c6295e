using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using RemoteDev.Agent.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests;

/// <summary>
/// Exec output goes at the pace the control plane credits it back (ExecCredit): with no credit beyond the window the
/// agent sends no more, and the command waits blocked on its full pipe until credit comes, it times out or is cancelled.
/// </summary>
public sealed class ExecFlowControlTests(LinkFixture fixture) : IClassFixture<LinkFixture>
{
    private const uint Window = 256 * 1024;
    private const int Written = 10_000_000;

    // More than the window, less than the window and a pipe (256 KiB): the command exits with the rest in its pipe.
    private const int LeftInPipe = 400_000;
    private static readonly TimeSpan PromptAnswer = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Observed = TimeSpan.FromSeconds(1);

    private LinkHarness Link => fixture.Link;

    [Fact]
    public async Task Exec_not_credited_sends_its_window_and_no_more_while_its_command_waits_blocked_then_goes_on_when_credited()
    {
        var (command, pid) = await WithheldPastWindowAsync("blocked", Written);
        var before = CpuTicks(pid);
        await Task.Delay(Observed);

        Assert.Equal(Window, Received(command.Id));
        Assert.Equal(before, CpuTicks(pid));
        Assert.Equal('S', State(pid));
        Credit(command.Id, Written);
        var result = await ResultAsync(command.Id);
        Assert.Equal(new ExecExit { ExitCode = 0 }, result.Exec);
        Assert.Equal(Written, Received(command.Id));
    }

    [Fact]
    public async Task Exec_that_exited_leaving_output_its_reader_has_not_taken_delivers_all_of_it_before_its_result()
    {
        var (command, pid) = await WithheldPastWindowAsync("exited", LeftInPipe);
        await UntilAsync(() => !Directory.Exists($"/proc/{pid}"), "the command exited");
        await Task.Delay(Observed);
        Assert.Equal(Window, Received(command.Id));

        Credit(command.Id, LeftInPipe);

        var result = await ResultAsync(command.Id);
        Assert.Equal(new ExecExit { ExitCode = 0 }, result.Exec);
        Assert.Equal(LeftInPipe, Received(command.Id));
    }

    [Fact]
    public async Task Exec_waiting_for_credit_times_out_at_its_timeout()
    {
        var command = Withheld($"head -c {Written} /dev/zero", TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();

        var result = await ResultAsync(command.Id);

        Assert.True(clock.Elapsed < PromptAnswer, $"answered after {clock.Elapsed}");
        Assert.Equal(new ExecExit { Signal = "SIGKILL", TimedOut = true }, result.Exec);
    }

    [Fact]
    public async Task Exec_that_exited_but_whose_output_its_reader_has_not_taken_by_the_timeout_is_answered_deadline_exceeded()
    {
        var command = Withheld($"head -c {LeftInPipe} /dev/zero", TimeSpan.FromSeconds(2));

        var result = await ResultAsync(command.Id);

        Assert.Equal((int)Grpc.Core.StatusCode.DeadlineExceeded, result.Code);
        Assert.Equal("the command ended with exit code 0, but its reader had not taken all of its output by the exec timeout of 2 s", result.Message);
    }

    [Fact]
    public async Task Exec_waiting_for_credit_is_cancelled_promptly_by_the_control_plane()
    {
        var command = Withheld($"head -c {Written} /dev/zero", TimeSpan.FromSeconds(300));
        await ReceivedAsync(command.Id, Window);
        await Task.Delay(Observed);
        Assert.Equal(Window, Received(command.Id));
        var clock = Stopwatch.StartNew();

        Link.State.Send(new ControlMessage { Cancel = new CancelCommand { Id = command.Id } });

        var result = await ResultAsync(command.Id);
        Assert.True(clock.Elapsed < PromptAnswer, $"answered after {clock.Elapsed}");
        Assert.Equal((int)Grpc.Core.StatusCode.Cancelled, result.Code);
    }

    [Fact]
    public async Task Exec_without_an_output_window_is_answered_invalid_argument()
    {
        var command = new Command { Id = Guid.NewGuid().ToString("N"), Exec = new ExecCommand { Command = { "true" } } };

        Link.State.Send(new ControlMessage { Command = command });

        var result = await ResultAsync(command.Id);
        Assert.Equal((int)Grpc.Core.StatusCode.InvalidArgument, result.Code);
        Assert.Equal("output_window is required for exec", result.Message);
    }

    /// <summary>Sends an exec of `sh -c <paramref name="script"/>` whose output the test control plane does not credit back.</summary>
    private Command Withheld(string script, TimeSpan timeout)
    {
        var command = new Command
        {
            Id = Guid.NewGuid().ToString("N"),
            OutputWindow = Window,
            Timeout = Duration.FromTimeSpan(timeout + TimeSpan.FromSeconds(10)),
            Exec = new ExecCommand { Command = { "sh", "-c", script }, Timeout = Duration.FromTimeSpan(timeout) },
        };
        Link.State.Update(s => s.CreditWithheld.Add(command.Id));
        Link.State.Send(new ControlMessage { Command = command });
        return command;
    }

    /// <summary>
    /// An exec of `head -c <paramref name="bytes"/>` under <see cref="Withheld"/>, once its first window arrived, with the
    /// pid of its command.
    /// </summary>
    private async Task<(Command Command, int Pid)> WithheldPastWindowAsync(string name, int bytes)
    {
        var pidFile = Path.Combine(Link.Agent.Root, name + ".pid");
        var command = Withheld($"echo $$ > {pidFile}.tmp; mv {pidFile}.tmp {pidFile}; exec head -c {bytes} /dev/zero", TimeSpan.FromSeconds(60));
        await ReceivedAsync(command.Id, Window);
        return (command, int.Parse(await File.ReadAllTextAsync(pidFile)));
    }

    private void Credit(string commandId, int bytes) =>
        Link.State.Send(new ControlMessage { ExecCredit = new ExecCredit { CommandId = commandId, Bytes = (uint)bytes } });

    private long Received(string commandId) => Link.State.Read(s => s.ExecOutput.TryGetValue(commandId, out var output) ? output.Length : 0);

    private Task ReceivedAsync(string commandId, long bytes) =>
        Link.WaitAsync(s => s.ExecOutput.TryGetValue(commandId, out var output) && output.Length >= bytes, $"{bytes} bytes of exec output");

    private Task<CommandResult> ResultAsync(string commandId) => Link.WaitAsync(s => s.Results.GetValueOrDefault(commandId), "the exec's result");

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < AgentProcess.Patience, $"gave up waiting for {what}");
            await Task.Delay(50);
        }
    }

    private static string[] StatFields(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static char State(int pid) => StatFields(pid)[0][0];

    /// <summary>utime + stime, in clock ticks.</summary>
    private static long CpuTicks(int pid)
    {
        var fields = StatFields(pid);
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    }
}
