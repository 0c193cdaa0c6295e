using RemoteDev.Cli.Tests.Harness;

namespace RemoteDev.Cli.Tests;

/// <summary>rdev sandbox create/list/get/delete in table and JSON form against a real control plane.</summary>
public sealed class SandboxCommandTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Create_with_wait_ready_prints_the_ready_sandbox_in_a_table()
    {
        var result = await fixture.Rdev.RunAsync("sandbox", "create", "table-view", "--project", "creating", "--label", "team=blue", "--process-file", fixture.ProcessFilePath, "--wait-ready");

        result.AssertExit(0);
        Assert.Contains("table-view", result.Text, StringComparison.Ordinal);
        Assert.Contains("READY", result.Text, StringComparison.Ordinal);
        Assert.Contains("team=blue", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_with_a_spec_file_sets_its_readiness_probe_which_get_shows()
    {
        var file = Path.Combine(fixture.ControlPlane.DataDir, "probed-spec.json");
        await File.WriteAllTextAsync(file, """{"readiness": {"probeCommand": ["/bin/sh", "-c", "echo probe-ok"], "expectOutput": "probe-ok"}}""");
        var created = await fixture.Rdev.RunAsync("sandbox", "create", "probed", "--project", "spec-file", "--spec-file", file, "-o", "json");

        var got = await fixture.Rdev.RunAsync("sandbox", "get", created.Json.GetProperty("id").GetString()!, "-o", "json");

        var readiness = got.Json.GetProperty("spec").GetProperty("readiness");
        Assert.Equal("probe-ok", readiness.GetProperty("expectOutput").GetString());
        Assert.Equal(["/bin/sh", "-c", "echo probe-ok"], readiness.GetProperty("probeCommand").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task A_spec_file_that_is_not_SandboxSpec_json_is_a_usage_error_naming_the_option()
    {
        var file = Path.Combine(fixture.ControlPlane.DataDir, "not-a-spec.json");
        await File.WriteAllTextAsync(file, """{"readyness": {}}""");

        var result = await fixture.Rdev.RunAsync("sandbox", "create", "misspelled", "--spec-file", file);

        result.AssertExit(2);
        Assert.Contains("--spec-file", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_as_json_is_the_proto_json_of_the_sandbox()
    {
        var result = await fixture.Rdev.RunAsync("sandbox", "get", fixture.SandboxId, "-o", "json");

        var json = result.Json;
        Assert.Equal(fixture.SandboxId, json.GetProperty("id").GetString());
        Assert.Equal("SANDBOX_PHASE_READY", json.GetProperty("status").GetProperty("phase").GetString());
    }

    [Fact]
    public async Task Get_as_a_table_shows_the_phase_and_the_processes()
    {
        var result = await fixture.Rdev.RunAsync("sandbox", "get", fixture.SandboxId);

        Assert.Contains("READY", result.Text, StringComparison.Ordinal);
        Assert.Contains("idle", result.Text, StringComparison.Ordinal);
        Assert.Contains("RUNNING", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_as_a_table_shows_each_sandbox_on_one_line()
    {
        var result = await fixture.Rdev.RunAsync("sandbox", "list");

        var line = Assert.Single(result.Text.Split('\n'), l => l.Contains(fixture.SandboxId, StringComparison.Ordinal));
        Assert.Contains("fixture", line, StringComparison.Ordinal);
        Assert.Contains("READY", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_filters_by_label_in_json()
    {
        var labelled = await fixture.Rdev.RunAsync("sandbox", "create", "labelled", "--project", "filtering", "--label", "tier=gold", "-o", "json");
        await fixture.Rdev.RunAsync("sandbox", "create", "unlabelled", "--project", "filtering", "-o", "json");

        var result = await fixture.Rdev.RunAsync("sandbox", "list", "--project", "filtering", "--label", "tier=gold", "-o", "json");

        var ids = result.Json.GetProperty("sandboxes").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Equal([labelled.Json.GetProperty("id").GetString()], ids);
    }

    [Fact]
    public async Task Delete_moves_the_sandbox_toward_stopped()
    {
        var created = await fixture.Rdev.RunAsync("sandbox", "create", "doomed", "--project", "deleting", "-o", "json");
        var id = created.Json.GetProperty("id").GetString()!;

        var deleted = await fixture.Rdev.RunAsync("sandbox", "delete", id, "-o", "json");

        deleted.AssertExit(0);
        Assert.Equal(id, deleted.Json.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Watch_prints_the_current_state_as_json_lines_until_interrupted_with_exit_code_130()
    {
        var result = await fixture.Rdev.RunAsync(new RdevRun(["sandbox", "watch", "--id", fixture.SandboxId, "-o", "json"]) { StopWhen = line => line.Contains("SANDBOX_PHASE_READY", StringComparison.Ordinal) });

        result.AssertExit(130);
        var first = System.Text.Json.JsonDocument.Parse(result.Text.Split('\n')[0]).RootElement;
        Assert.Equal(fixture.SandboxId, first.GetProperty("sandbox").GetProperty("id").GetString());
    }
}
