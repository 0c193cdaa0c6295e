using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RemoteDev.Agent.Tests.Infrastructure;
using RemoteDev.V1;

namespace RemoteDev.Agent.Tests;

public sealed class MalformedInputTests(LinkFixture fixture) : IClassFixture<LinkFixture>
{
    private LinkHarness Link => fixture.Link;

    [Fact]
    public async Task A_command_without_an_operation_gets_unimplemented()
    {
        var result = await Link.RunAsync(new Command());

        Assert.Equal((int)StatusCode.Unimplemented, result.Code);
    }

    [Fact]
    public async Task A_spec_with_an_empty_command_gets_invalid_argument_naming_the_problem()
    {
        var result = await Link.RunAsync(new Command { Add = new ProcessSpec { Name = "bad-spec" } });

        Assert.Equal((int)StatusCode.InvalidArgument, result.Code);
        Assert.Contains("command", result.Message);
    }

    [Fact]
    public async Task An_operation_on_an_unknown_process_gets_not_found()
    {
        var result = await Link.RunAsync(new Command { Stop = new StopProcess { Name = "nobody" } });

        Assert.Equal((int)StatusCode.NotFound, result.Code);
    }

    [Fact]
    public async Task A_missing_field_gets_invalid_argument_naming_the_field()
    {
        var result = await Link.RunAsync(new Command { Start = new ProcessName() });

        Assert.Equal((int)StatusCode.InvalidArgument, result.Code);
        Assert.Contains("start.name", result.Message);
    }

    [Fact]
    public async Task A_relative_file_path_gets_invalid_argument()
    {
        var result = await Link.RunAsync(new Command { ReadFile = new ReadFile { Path = "etc/passwd" } });

        Assert.Equal((int)StatusCode.InvalidArgument, result.Code);
    }

    [Fact]
    public async Task A_command_without_an_id_is_answered_and_the_agent_keeps_serving()
    {
        Link.State.Send(new ControlMessage { Command = new Command { List = new ListProcesses() } });
        var unnamed = await Link.WaitAsync(s => s.Results.GetValueOrDefault(""), "result without id");
        var next = await Link.RunAsync(new Command { List = new ListProcesses() });

        Assert.Equal((int)StatusCode.InvalidArgument, unnamed.Code);
        Assert.Equal(0, next.Code);
    }

    [Fact]
    public async Task An_invalid_desired_set_is_rejected_whole_and_the_link_stays_up()
    {
        var desired = new DesiredSandbox { Generation = 7 };
        desired.Processes.Add(new ProcessSpec { Name = "desired-bad", Command = "true", DependsOn = { new Dependency { Process = new ProcessDependency { Name = "missing" } } } });
        Link.State.Send(new ControlMessage { Desired = desired });

        var next = await Link.RunAsync(new Command { List = new ListProcesses() });

        Assert.Equal(0, next.Code);
        Assert.DoesNotContain(next.Processes.Processes, p => p.Name == "desired-bad");
    }

    [Fact]
    public async Task A_command_timeout_beyond_a_day_or_not_a_valid_duration_gets_invalid_argument_naming_timeout()
    {
        var tooLong = await Link.RunAsync(new Command { Timeout = new Duration { Seconds = 5_000_000 }, List = new ListProcesses() });
        var malformed = await Link.RunAsync(new Command { Timeout = new Duration { Seconds = 1, Nanos = -1 }, List = new ListProcesses() });

        Assert.Equal((int)StatusCode.InvalidArgument, tooLong.Code);
        Assert.Equal("timeout of 5000000 s is longer than the 24 h a command may take", tooLong.Message);
        Assert.Equal((int)StatusCode.InvalidArgument, malformed.Code);
        Assert.Equal("timeout is not a valid duration (seconds 1, nanos -1)", malformed.Message);
    }

    [Fact]
    public async Task A_desired_process_with_an_invalid_duration_is_refused_by_name_and_later_desired_sets_still_apply()
    {
        var bad = new DesiredSandbox { Generation = 20 };
        bad.Processes.Add(new ProcessSpec { Name = "desired-bad-duration", Command = "sleep", Args = { "600" }, MinUptime = new Duration { Seconds = 1, Nanos = -1 } });
        Link.State.Send(new ControlMessage { Desired = bad });
        await Link.WaitAsync(_ => Link.Agent.Log.Contains("Desired generation 20 was rejected", StringComparison.Ordinal), "generation 20 rejected");

        var good = new DesiredSandbox { Generation = 21 };
        good.Processes.Add(Specs.Shell("desired-after-bad", "exec sleep 600"));
        Link.State.Send(new ControlMessage { Desired = good });

        await Link.EventAsync("desired-after-bad", ProcessState.Running);
        Assert.Contains("desired-bad-duration: min_uptime is not a valid duration (seconds 1, nanos -1)", Link.Agent.Log, StringComparison.Ordinal);
    }
}
