using RemoteDev.Cli.Tests.Harness;
using RemoteDev.Testing;

namespace RemoteDev.Cli.Tests;

/// <summary>API keys and failures: errors map to the documented exit codes, with the gRPC status or the bad argument on stderr.</summary>
public sealed class AuthAndErrorTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Without_any_api_key_the_exit_code_is_4()
    {
        var emptyDir = Directory.CreateTempSubdirectory("rdev-nokey-").FullName;

        var result = await fixture.Rdev.RunAsync(new RdevRun(["sandbox", "list"]) { DataDir = emptyDir });
        Directory.Delete(emptyDir);

        result.AssertExit(4);
        Assert.Contains("no API key", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_api_key_option_is_a_usage_error_rather_than_the_admin_key()
    {
        var result = await fixture.Rdev.RunAsync("apikey", "list", "--api-key", "");

        result.AssertExit(2);
        Assert.Contains("--api-key: empty", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blank_RDEV_API_KEY_is_refused_with_exit_code_4_rather_than_replaced_by_the_admin_key()
    {
        var result = await fixture.Rdev.RunAsync(new RdevRun(["apikey", "list"]) { Environment = new Dictionary<string, string> { ["RDEV_API_KEY"] = "" } });

        result.AssertExit(4);
        Assert.Contains("RDEV_API_KEY is set but empty", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_with_a_control_character_is_refused_with_exit_code_4_in_one_line_without_showing_it()
    {
        var result = await fixture.Rdev.RunAsync(new RdevRun(["apikey", "list"]) { Environment = new Dictionary<string, string> { ["RDEV_API_KEY"] = "kfirst.se\u0001cret" } });

        result.AssertExit(4);
        Assert.Equal("rdev: the API key in RDEV_API_KEY has characters outside printable ASCII (not shown)\n", result.Stderr);
    }

    [Fact]
    public async Task A_wrong_api_key_is_unauthenticated_with_exit_code_4()
    {
        var result = await fixture.Rdev.RunAsync("sandbox", "list", "--api-key", "kdoesnotexist.secret");

        result.AssertExit(4);
        Assert.Contains("UNAUTHENTICATED", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_scoped_key_cannot_exec_and_gets_permission_denied_with_exit_code_4()
    {
        var created = await fixture.Rdev.RunAsync("apikey", "create", "reader", "--scope", "read", "-o", "json");
        var token = created.Json.GetProperty("token").GetString()!;

        var result = await fixture.Rdev.RunAsync("exec", fixture.SandboxId, "--api-key", token, "--", "true");

        result.AssertExit(4);
        Assert.Contains("PERMISSION_DENIED", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_scoped_key_can_list()
    {
        var created = await fixture.Rdev.RunAsync("apikey", "create", "lister", "--scope", "read", "-o", "json");

        var result = await fixture.Rdev.RunAsync("sandbox", "list", "--api-key", created.Json.GetProperty("token").GetString()!);

        result.AssertExit(0);
    }

    [Fact]
    public async Task Apikey_list_shows_keys_in_a_table_without_their_secrets()
    {
        var created = await fixture.Rdev.RunAsync("apikey", "create", "listed", "--scope", "read", "-o", "json");

        var listed = await fixture.Rdev.RunAsync("apikey", "list");

        Assert.Contains("listed", listed.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Json.GetProperty("token").GetString()!, listed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_with_exit_code_4()
    {
        var created = await fixture.Rdev.RunAsync("apikey", "create", "revoked", "--scope", "execute", "-o", "json");
        await fixture.Rdev.RunAsync("apikey", "revoke", created.Json.GetProperty("key").GetProperty("id").GetString()!);

        var result = await fixture.Rdev.RunAsync("sandbox", "list", "--api-key", created.Json.GetProperty("token").GetString()!);

        result.AssertExit(4);
    }

    [Fact]
    public async Task An_unknown_sandbox_is_not_found_with_exit_code_3()
    {
        var result = await fixture.Rdev.RunAsync("sandbox", "get", "sbx-does-not-exist");

        result.AssertExit(3);
        Assert.Contains("NOT_FOUND", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_name_is_invalid_argument_naming_the_field_with_exit_code_2()
    {
        var result = await fixture.Rdev.RunAsync("sandbox", "create", "Not_A_Valid_Name");

        result.AssertExit(2);
        Assert.Contains("INVALID_ARGUMENT", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("name", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_label_without_equals_is_a_usage_error_naming_the_option()
    {
        var result = await fixture.Rdev.RunAsync("sandbox", "create", "x", "--label", "novalue");

        result.AssertExit(2);
        Assert.Contains("--label: 'novalue' is not KEY=VALUE", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_numeric_tail_is_a_usage_error_naming_the_option()
    {
        var result = await fixture.Rdev.RunAsync("logs", fixture.SandboxId, "printer", "--tail", "lots");

        result.AssertExit(2);
        Assert.Contains("--tail", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_file_mode_is_a_usage_error_naming_the_option()
    {
        var result = await fixture.Rdev.RunAsync("files", "write", fixture.SandboxId, "f.txt", "--mode", "0999");

        result.AssertExit(2);
        Assert.Contains("--mode: '0999' is not an octal mode", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_argument_is_a_usage_error()
    {
        var result = await fixture.Rdev.RunAsync("sandbox", "get");

        result.AssertExit(2);
        Assert.Contains("ID", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_unavailable_with_exit_code_5()
    {
        var result = await fixture.Rdev.RunAsync("sandbox", "list", "--server", $"http://127.0.0.1:{FreePort.Next()}");

        result.AssertExit(5);
        Assert.Contains("UNAVAILABLE", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_timeout_shorter_than_the_call_is_deadline_exceeded_with_exit_code_5()
    {
        var result = await fixture.Rdev.RunAsync("sandbox", "list", "--request-timeout", "1ms");

        result.AssertExit(5);
        Assert.Contains("DEADLINE_EXCEEDED", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RDEV_REQUEST_TIMEOUT_sets_the_request_timeout()
    {
        var result = await fixture.Rdev.RunAsync(new RdevRun(["sandbox", "list"]) { Environment = new Dictionary<string, string> { ["RDEV_REQUEST_TIMEOUT"] = "1ms" } });

        result.AssertExit(5);
        Assert.Contains("DEADLINE_EXCEEDED", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_that_cannot_be_written_is_one_line_with_exit_code_1()
    {
        var result = await fixture.Rdev.RunAsync(new RdevRun(["sandbox", "list"]) { ShellRedirect = "> /dev/full" });

        result.AssertExit(1);
        Assert.Equal("rdev: cannot write output: No space left on device\n", result.Stderr);
    }

    [Fact]
    public async Task An_unexpected_failure_is_one_internal_error_line_with_exit_code_1()
    {
        var result = await fixture.Rdev.RunAsync(new RdevRun(["files", "write", fixture.SandboxId, "/tmp/never-written"]) { ShellRedirect = "< /" });

        result.AssertExit(1);
        Assert.Equal("rdev: internal error: IOException: Is a directory\n", result.Stderr);
    }
}
