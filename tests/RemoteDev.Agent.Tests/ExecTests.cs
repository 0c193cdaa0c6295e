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
}
