using System.Diagnostics;
using RemoteDev.Agent.Tests.Infrastructure;

namespace RemoteDev.Agent.Tests;

/// <summary>
/// A control plane that fails every session right after the hello is retried at the growing backoff: the sixth hello
/// comes at least 50 + 100 + 200 + 400 + 800 ms after the first (the low ends of the jittered delays), where a
/// backoff reset after each session would bring it within about half a second.
/// </summary>
public sealed class LinkBackoffTests
{
    private static readonly TimeSpan GrowingBackoffFloor = TimeSpan.FromMilliseconds(1500);

    [Fact]
    public async Task A_malformed_hello_ack_ends_the_session_with_the_reason_logged_and_is_retried_at_a_growing_backoff()
    {
        var state = new GatewayState("sbx-badack", LinkHarness.Token) { MalformedHelloAck = true };
        await using var gateway = await TestGateway.StartAsync(state);
        await using var agent = AgentProcess.Start(gateway.Url, "sbx-badack", LinkHarness.Token, null);

        var sixthAfter = await TimeFromFirstToSixthHelloAsync(state, agent);

        Assert.True(sixthAfter >= GrowingBackoffFloor, $"six hellos within {sixthAfter}");
        Assert.Contains("Link down: malformed HelloAck: heartbeat_interval is not a valid duration (seconds 1, nanos -1)", agent.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_control_plane_that_accepts_and_hangs_up_at_once_is_retried_at_a_growing_backoff()
    {
        var state = new GatewayState("sbx-hangup", LinkHarness.Token) { HangUpAfterHelloAck = true };
        await using var gateway = await TestGateway.StartAsync(state);
        await using var agent = AgentProcess.Start(gateway.Url, "sbx-hangup", LinkHarness.Token, null);

        var sixthAfter = await TimeFromFirstToSixthHelloAsync(state, agent);

        Assert.True(sixthAfter >= GrowingBackoffFloor, $"six hellos within {sixthAfter}");
    }

    private static async Task<TimeSpan> TimeFromFirstToSixthHelloAsync(GatewayState state, AgentProcess agent)
    {
        await state.WaitAsync(s => s.Hellos.Count >= 1, AgentProcess.Patience, () => "the first hello\n" + agent.Log);
        var clock = Stopwatch.StartNew();
        await state.WaitAsync(s => s.Hellos.Count >= 6, AgentProcess.Patience, () => "the sixth hello\n" + agent.Log);
        return clock.Elapsed;
    }
}
