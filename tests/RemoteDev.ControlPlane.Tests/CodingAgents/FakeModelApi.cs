using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace RemoteDev.ControlPlane.Tests.CodingAgents;

/// <summary>
/// A stand-in for the Anthropic Messages API on 127.0.0.1: answers every <c>POST /v1/messages</c> with one text
/// reply (streamed as server-sent events when asked) and <c>HEAD /</c> with 200. Records each request's prompt text.
/// </summary>
internal sealed class FakeModelApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _prompts = new();
    private readonly ConcurrentQueue<string> _models = new();

    private FakeModelApi(WebApplication app, string reply)
    {
        _app = app;
        _app.MapMethods("/", ["HEAD", "GET"], () => Results.Ok());
        _app.MapPost("/v1/messages", context => AnswerAsync(context, reply));
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The last user message text of every request received, in order.</summary>
    public IReadOnlyCollection<string> Prompts => _prompts;

    /// <summary>The model named by every request received, in order.</summary>
    public IReadOnlyCollection<string> Models => _models;

    public static async Task<FakeModelApi> StartAsync(string reply)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1));
        var api = new FakeModelApi(builder.Build(), reply);
        await api._app.StartAsync();
        api.BaseAddress = new Uri(api._app.Urls.Single());
        return api;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task AnswerAsync(HttpContext context, string reply)
    {
        var body = await JsonNode.ParseAsync(context.Request.Body) ?? new JsonObject();
        _prompts.Enqueue(LastUserText(body));
        var model = body["model"]?.GetValue<string>() ?? "fake-model";
        _models.Enqueue(model);
        var usage = new JsonObject { ["input_tokens"] = 5, ["output_tokens"] = 1 };
        if (body["stream"]?.GetValue<bool>() != true)
        {
            await context.Response.WriteAsJsonAsync(new JsonObject
            {
                ["id"] = "msg_fake", ["type"] = "message", ["role"] = "assistant", ["model"] = model,
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = reply }),
                ["stop_reason"] = "end_turn", ["stop_sequence"] = null, ["usage"] = usage,
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        JsonObject[] events =
        [
            new() { ["type"] = "message_start", ["message"] = new JsonObject { ["id"] = "msg_fake", ["type"] = "message", ["role"] = "assistant", ["model"] = model, ["content"] = new JsonArray(), ["stop_reason"] = null, ["stop_sequence"] = null, ["usage"] = usage } },
            new() { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = string.Empty } },
            new() { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = reply } },
            new() { ["type"] = "content_block_stop", ["index"] = 0 },
            new() { ["type"] = "message_delta", ["delta"] = new JsonObject { ["stop_reason"] = "end_turn", ["stop_sequence"] = null }, ["usage"] = new JsonObject { ["output_tokens"] = 1 } },
            new() { ["type"] = "message_stop" },
        ];
        foreach (var e in events)
        {
            await context.Response.WriteAsync($"event: {e["type"]}\ndata: {e.ToJsonString()}\n\n");
        }
    }

    private static string LastUserText(JsonNode body)
    {
        var content = body["messages"]?.AsArray().LastOrDefault(m => m?["role"]?.GetValue<string>() == "user")?["content"];
        return content switch
        {
            JsonValue v => v.GetValue<string>(),
            JsonArray parts => string.Join("\n", parts.Select(p => p?["text"]?.GetValue<string>()).Where(t => t is not null)),
            _ => string.Empty,
        };
    }
}
