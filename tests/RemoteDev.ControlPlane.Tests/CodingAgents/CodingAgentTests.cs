using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using RemoteDev.ControlPlane.Tests.Harness;
using RemoteDev.V1;
using Xunit.Abstractions;

namespace RemoteDev.ControlPlane.Tests.CodingAgents;

/// <summary>The real coding-agent CLIs inside sandboxes on the process driver, answering through a fake model API.</summary>
public sealed class CodingAgentTests(SqliteControlPlane cp, ITestOutputHelper output) : IClassFixture<SqliteControlPlane>, IAsyncLifetime
{
    private const string Reply = "3";
    private FakeModelApi _api = null!;

    public async Task InitializeAsync() => _api = await FakeModelApi.StartAsync(Reply);

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Sandbox_becomes_ready_once_claude_code_answers_the_readiness_prompt()
    {
        var request = ClaudeReadinessSandbox(_api, TimeSpan.FromMinutes(3));

        var created = await cp.Admin.Sandboxes.CreateAsync(request);
        await Waits.PhaseAsync(cp.Admin, created.Id, SandboxPhase.Ready);

        Assert.Contains(_api.Prompts, p => p.Contains("1+2=?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sandbox_fails_readiness_when_the_coding_agent_answers_wrong()
    {
        await using var wrong = await FakeModelApi.StartAsync("4");
        var request = ClaudeReadinessSandbox(wrong, TimeSpan.FromSeconds(20));

        var created = await cp.Admin.Sandboxes.CreateAsync(request);
        var failed = await Waits.PhaseAsync(cp.Admin, created.Id, SandboxPhase.Failed);

        Assert.Contains(wrong.Prompts, p => p.Contains("1+2=?", StringComparison.Ordinal));
        Assert.NotEmpty(failed.Status.Reason);
    }

    [Fact]
    public async Task Claude_code_prompt_runs_as_a_process_and_its_stream_json_result_is_kept_in_the_logs()
    {
        var request = Specs.Sandbox("coding-agents");
        CodingAgentEnvironment.Claude(request.Spec, _api);
        var created = await cp.Admin.Sandboxes.CreateAsync(request);
        await Waits.PhaseAsync(cp.Admin, created.Id, SandboxPhase.Ready);
        var task = new ProcessSpec { Name = "claude-task", Command = "claude", RestartPolicy = RestartPolicy.Never };
        task.Args.Add(["-p", "What is 1+2?", "--output-format", "stream-json", "--verbose"]);

        await cp.Admin.Processes.AddAsync(new AddProcessRequest { SandboxId = created.Id, Spec = task });
        await Waits.ProcessStateAsync(cp.Admin, created.Id, "claude-task", ProcessState.Exited);

        var lines = await JsonLinesAsync(created.Id, "claude-task");
        var init = Assert.Single(lines, l => Type(l) == "system" && l.GetProperty("subtype").GetString() == "init");
        var result = Assert.Single(lines, l => Type(l) == "result");
        Assert.False(result.GetProperty("is_error").GetBoolean());
        Assert.Equal(Reply, result.GetProperty("result").GetString());
        Assert.Equal(init.GetProperty("session_id").GetString(), result.GetProperty("session_id").GetString());
    }

    [Fact]
    public async Task Opencode_runs_with_a_config_pushed_through_the_files_api()
    {
        var request = Specs.Sandbox("coding-agents");
        CodingAgentEnvironment.OpenCode(request.Spec);
        var created = await cp.Admin.Sandboxes.CreateAsync(request);
        await Waits.PhaseAsync(cp.Admin, created.Id, SandboxPhase.Ready);
        var project = Path.Combine(Path.GetTempPath(), "rd-opencode-" + Guid.NewGuid().ToString("N")[..8]);
        await cp.Admin.Files.WriteAsync(new WriteFileRequest
        {
            SandboxId = created.Id,
            Path = Path.Combine(project, "opencode.json"),
            Content = ByteString.CopyFromUtf8(CodingAgentEnvironment.OpenCodeConfig(_api)),
        });
        var task = new ProcessSpec { Name = "opencode-task", Command = "opencode", Cwd = project, RestartPolicy = RestartPolicy.Never };
        task.Args.Add(["run", "--format", "json", "What is 1+2?"]);

        await cp.Admin.Processes.AddAsync(new AddProcessRequest { SandboxId = created.Id, Spec = task });
        await Waits.ProcessStateAsync(cp.Admin, created.Id, "opencode-task", ProcessState.Exited);

        var texts = (await JsonLinesAsync(created.Id, "opencode-task"))
            .Where(l => Type(l) == "text")
            .Select(l => l.GetProperty("part").GetProperty("text").GetString());
        Assert.Contains(Reply, texts);
        Assert.Contains(CodingAgentEnvironment.OpenCodeModel, _api.Models);
    }

    private static CreateSandboxRequest ClaudeReadinessSandbox(FakeModelApi api, TimeSpan timeout)
    {
        var request = Specs.Sandbox("coding-agents");
        CodingAgentEnvironment.Claude(request.Spec, api);
        request.Spec.Readiness = new Readiness { Timeout = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(timeout), ExpectOutput = "3" };
        request.Spec.Readiness.ProbeCommand.Add(["claude", "-p", "1+2=?"]);
        return request;
    }

    private static string? Type(JsonElement line) => line.TryGetProperty("type", out var t) ? t.GetString() : null;

    /// <summary>Follows the logs: a follow ends only once every byte written before the exit is stored and delivered.</summary>
    private async Task<List<JsonElement>> JsonLinesAsync(string sandboxId, string process)
    {
        using var logs = cp.Admin.Processes.Logs(new LogsRequest { SandboxId = sandboxId, Process = process, Follow = true });
        var stdout = new MemoryStream();
        await foreach (var message in logs.ResponseStream.ReadAllAsync())
        {
            if (message.Output is { } chunk)
            {
                output.WriteLine($"{process} {chunk.Kind}: {chunk.Data.ToStringUtf8()}");
                if (chunk.Kind == StreamKind.Stdout)
                {
                    chunk.Data.WriteTo(stdout);
                }
            }
        }

        return Encoding.UTF8.GetString(stdout.ToArray())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .ToList();
    }
}
