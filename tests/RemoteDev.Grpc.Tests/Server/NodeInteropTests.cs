using System.Text.Json.Nodes;
using Grpc.Health.V1;
using static RemoteDev.Grpc.Tests.Server.PeerJson;

namespace RemoteDev.Grpc.Tests.Server;

/// <summary>Our server (gzip responses enabled) against npm's @grpc/grpc-js client.</summary>
public sealed class NodeInteropTests(NodePeerFixture fixture) : IClassFixture<NodePeerFixture>
{
    private const int ThreeMiB = 3 * 1024 * 1024;

    [Fact]
    public async Task Unary_call_echoes_the_request()
    {
        var result = await fixture.Peer.RunAsync("call", Call("Unary", new JsonObject { ["text"] = "hello", ["payload_size"] = 1000 }));

        Assert.Equal("OK: ", result.Outcome());
        Assert.Equal(PatternSha(1000), result.Replies()[0]!["payload_sha"].Str());
    }

    [Fact]
    public async Task Server_streaming_call_sends_every_reply_in_order()
    {
        var result = await fixture.Peer.RunAsync("call", Call("ServerStream", new JsonObject { ["response_count"] = 50, ["response_size"] = 100 }));

        Assert.Equal("OK: ", result.Outcome());
        Assert.Equal(Enumerable.Range(0, 50), result.Replies().Select(r => r!["index"].Int()));
    }

    [Fact]
    public async Task Client_streaming_call_receives_every_request()
    {
        var requests = Enumerable.Range(0, 20).Select(_ => new JsonObject { ["payload_size"] = 10 }).ToArray();

        var result = await fixture.Peer.RunAsync("call", Call("ClientStream", requests));

        Assert.Equal("OK: ", result.Outcome());
        Assert.Equal(20, result.Replies()[0]!["index"].Int());
    }

    [Fact]
    public async Task Duplex_call_answers_each_request()
    {
        var requests = Enumerable.Range(0, 10).Select(i => new JsonObject { ["text"] = $"m{i}" }).ToArray();

        var result = await fixture.Peer.RunAsync("call", Call("Duplex", requests));

        Assert.Equal("OK: ", result.Outcome());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"m{i}"), result.Replies().Select(r => r!["text"].Str()));
    }

    [Fact]
    public async Task Expired_deadline_ends_the_call_with_DEADLINE_EXCEEDED_and_the_handler_is_cancelled()
    {
        // A connected, warmed-up channel: a deadline that expires while the client is still connecting never
        // reaches the server, so there would be no handler to cancel.
        Assert.Equal("OK: ", (await fixture.Peer.RunAsync("call", Call("ServerStream", new JsonObject { ["text"] = "warm-up" }))).Outcome());
        var callId = Guid.NewGuid().ToString();
        var command = Call("ServerStream", new JsonObject { ["wait_for_cancellation"] = true, ["call_id"] = callId });
        command["timeout"] = 1.0;

        var result = await fixture.Peer.RunAsync("call", command);

        Assert.Equal("DEADLINE_EXCEEDED", result.Code());
        // The client's own timer may reset the stream before the server's fires: either way the handler is cancelled.
        Assert.Contains(await fixture.Server.Observer.WaitForEndAsync(callId), new[] { CallEnd.DeadlineExceeded, CallEnd.Cancelled });
    }

    [Fact]
    public async Task Client_cancellation_cancels_the_handler()
    {
        var callId = Guid.NewGuid().ToString();
        var command = Call("Unary", new JsonObject { ["wait_for_cancellation"] = true, ["call_id"] = callId, ["echo_metadata"] = new JsonArray("x-ready") });
        command["metadata"] = new JsonArray(new JsonArray("x-ready", "1"));
        command["cancel_after_headers"] = true;

        var result = await fixture.Peer.RunAsync("call", command);

        Assert.Equal("CANCELLED", result.Code());
        Assert.Equal(CallEnd.Cancelled, await fixture.Server.Observer.WaitForEndAsync(callId));
    }

    [Fact]
    public async Task Status_code_and_non_ascii_message_reach_the_client()
    {
        const string message = "échec: 100% 日本語 ✓";

        var result = await fixture.Peer.RunAsync("call", Call("Unary", new JsonObject { ["status_code"] = 7, ["status_message"] = message }));

        Assert.Equal($"PERMISSION_DENIED: {message}", result.Outcome());
    }

    [Fact]
    public async Task Custom_and_binary_metadata_come_back_in_headers_and_trailers()
    {
        var binary = Convert.ToBase64String([0, 1, 2, 250, 255]);
        var command = Call("ServerStream", new JsonObject { ["response_count"] = 1, ["echo_metadata"] = new JsonArray("x-text", "x-data-bin") });
        command["metadata"] = new JsonArray(new JsonArray("x-text", "hello"), new JsonArray("x-data-bin", binary));

        var result = await fixture.Peer.RunAsync("call", command);

        Assert.Equal("OK: ", result.Outcome());
        Assert.Contains("x-text=hello", result.Metadata("initial_metadata"));
        Assert.Contains($"x-data-bin={binary}", result.Metadata("initial_metadata"));
        Assert.Contains("x-text=hello", result.Metadata("trailing_metadata"));
        Assert.Contains($"x-data-bin={binary}", result.Metadata("trailing_metadata"));
    }

    [Fact]
    public async Task Three_MiB_messages_travel_both_ways_gzip_compressed()
    {
        var command = Call("Unary", new JsonObject { ["payload_size"] = ThreeMiB });
        command["compression"] = "gzip";

        var result = await fixture.Peer.RunAsync("call", command);

        Assert.Equal("OK: ", result.Outcome());
        Assert.Equal(PatternSha(ThreeMiB), result.Replies()[0]!["payload_sha"].Str());
    }

    [Fact]
    public async Task Five_hundred_concurrent_calls_share_one_connection()
    {
        var command = new JsonObject
        {
            ["count"] = 500,
            ["timeout"] = 60.0,
            ["request"] = new JsonObject { ["barrier_group"] = Guid.NewGuid().ToString(), ["barrier_size"] = 500 },
        };

        var result = await fixture.Peer.RunAsync("concurrent", command);

        Assert.Equal("""{"OK":500}""", result["codes"]!.ToJsonString());
    }

    [Fact]
    public async Task Health_check_reports_the_status_set_from_code()
    {
        fixture.Server.Health.SetStatus("remotedev.NodeChecked", HealthCheckResponse.Types.ServingStatus.Serving);

        var result = await fixture.Peer.RunAsync("health_check", new JsonObject { ["service"] = "remotedev.NodeChecked" });

        Assert.Equal("SERVING", result["status"].Str());
    }
}
