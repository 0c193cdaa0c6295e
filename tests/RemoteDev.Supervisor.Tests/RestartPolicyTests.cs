using RemoteDev.Supervisor.Tests.Infrastructure;

namespace RemoteDev.Supervisor.Tests;

public sealed class RestartPolicyTests
{
    private static readonly BackoffSpec NoDelay = new FixedBackoff(TimeSpan.Zero);

    private static ProcessSpec Exiting(RestartPolicy policy, int code) =>
        SupervisorHarness.Shell("p", $"exit {code}") with { RestartPolicy = policy, Backoff = NoDelay, MaxRestarts = 1 };

    [Theory]
    [InlineData(RestartPolicy.Always, 0)]
    [InlineData(RestartPolicy.Always, 1)]
    [InlineData(RestartPolicy.UnlessStopped, 0)]
    [InlineData(RestartPolicy.OnFailure, 3)]
    [InlineData(RestartPolicy.OnSuccess, 0)]
    public async Task The_policy_restarts_after_this_exit(RestartPolicy policy, int code)
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(Exiting(policy, code));

        var failed = await h.WaitForStateAsync("p", ProcessState.Failed);

        Assert.Equal((1u, code), (failed.RestartCount, failed.ExitCode!.Value));
    }

    [Theory]
    [InlineData(RestartPolicy.Never, 0)]
    [InlineData(RestartPolicy.Never, 1)]
    [InlineData(RestartPolicy.OnFailure, 0)]
    [InlineData(RestartPolicy.OnSuccess, 2)]
    public async Task The_policy_keeps_the_process_down_after_this_exit(RestartPolicy policy, int code)
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(Exiting(policy, code));

        var exited = await h.WaitForStateAsync("p", ProcessState.Exited);

        Assert.Equal((0u, code), (exited.RestartCount, exited.ExitCode!.Value));
    }

    [Fact]
    public async Task A_permanent_failure_exit_code_ends_in_failed_without_restart()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "exit 42") with { PermanentFailureExitCodes = [42], Backoff = NoDelay });

        var failed = await h.WaitForStateAsync("p", ProcessState.Failed);

        Assert.Equal((0u, "exit code 42 means permanent failure"), (failed.RestartCount, failed.Reason));
    }

    [Fact]
    public async Task The_restart_cap_ends_in_failed_after_exactly_that_many_restarts()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "exit 1") with { MaxRestarts = 3, Backoff = NoDelay });

        var failed = await h.WaitForStateAsync("p", ProcessState.Failed);

        Assert.Equal((3u, "exit code 1; restart limit 3 reached"), (failed.RestartCount, failed.Reason));
    }

    [Fact]
    public async Task A_signal_death_is_reported_with_the_signal_name()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "kill -9 $$") with { RestartPolicy = RestartPolicy.Never });

        var exited = await h.WaitForStateAsync("p", ProcessState.Exited);

        Assert.Equal(("SIGKILL", (int?)null), (exited.Signal, exited.ExitCode));
    }

    [Fact]
    public async Task A_manual_stop_keeps_an_always_process_down()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000"));
        await h.WaitForStateAsync("p", ProcessState.Running);

        var stopped = await h.Supervisor.StopAsync("p", null, CancellationToken.None);

        Assert.Equal((ProcessState.Stopped, DesiredState.Stopped), (stopped.State, stopped.Spec.DesiredState));
    }

    [Fact]
    public async Task A_process_with_desired_state_stopped_is_not_started()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000") with { DesiredState = DesiredState.Stopped });

        var status = await h.WaitForStateAsync("p", ProcessState.Stopped);
        var started = await h.Supervisor.StartAsync("p", CancellationToken.None);

        Assert.Equal((ProcessState.Stopped, (int?)null, ProcessState.Running), (status.State, status.Pid, started.State));
    }
}
