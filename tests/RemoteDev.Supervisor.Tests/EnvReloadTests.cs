using RemoteDev.Supervisor.Tests.Infrastructure;
using RemoteDev.Testing;

namespace RemoteDev.Supervisor.Tests;

public sealed class EnvReloadTests
{
    private static readonly EnvReloadSpec AtOnce = new EnvReloadAfter(TimeSpan.Zero);

    private static ProcessSpec Printer(string name, string variable) =>
        SupervisorHarness.Shell(name, $"echo \"{name}=${variable}\"; sleep 1000") with { EnvReload = AtOnce };

    [Fact]
    public async Task A_global_env_edit_restarts_exactly_the_processes_whose_env_changed()
    {
        await using var h = await SupervisorHarness.StartAsync();
        h.WriteEnvFile(".env", "COLOR=red\nOTHER=1\n");
        await h.AddAsync(Printer("reads", "COLOR"));
        await h.AddAsync(Printer("skips", "COLOR") with { SkipGlobalEnvFile = true });
        await h.AddAsync(Printer("overrides", "COLOR") with { Env = new Dictionary<string, string> { ["COLOR"] = "fixed" } });
        await h.ReadOutputUntilAsync("reads", "reads=red");
        var skipsPid = (await h.WaitForStateAsync("skips", ProcessState.Running)).Pid;
        var overridesPid = (await h.WaitForStateAsync("overrides", ProcessState.Running)).Pid;

        h.ReplaceEnvFile(".env", "COLOR=blue\nOTHER=1\n");
        var output = await h.ReadOutputUntilAsync("reads", "reads=blue");

        Assert.Equal(
            ("reads=red\nreads=blue\n", skipsPid, overridesPid),
            (output, h.Supervisor.Get("skips", false).Pid, h.Supervisor.Get("overrides", false).Pid));
    }

    [Fact]
    public async Task A_per_process_env_file_created_later_restarts_only_that_process()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(Printer("a", "MODE"));
        await h.AddAsync(Printer("b", "MODE"));
        await h.ReadOutputUntilAsync("a", "a=\n");
        var bPid = (await h.WaitForStateAsync("b", ProcessState.Running)).Pid;

        h.WriteEnvFile(".env.a", "MODE=debug\n");
        await h.ReadOutputUntilAsync("a", "a=debug");

        Assert.Equal(bPid, h.Supervisor.Get("b", false).Pid);
    }

    [Fact]
    public async Task An_env_file_in_a_folder_created_later_applies_like_any_new_env_file()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(Printer("p", "MODE") with { EnvFiles = ["repo/app/.env"] });
        await h.ReadOutputUntilAsync("p", "p=\n");

        var folder = Directory.CreateDirectory(Path.Combine(h.Options.WorkspaceDirectory, "repo", "app")).FullName;
        File.WriteAllText(Path.Combine(folder, ".env"), "MODE=cloned\n");
        var output = await h.ReadOutputUntilAsync("p", "p=cloned\n");

        Assert.EndsWith("p=\np=cloned\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_env_file_in_a_folder_deleted_and_created_again_applies_again()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var folder = Directory.CreateDirectory(Path.Combine(h.Options.WorkspaceDirectory, "repo")).FullName;
        File.WriteAllText(Path.Combine(folder, ".env"), "MODE=first\n");
        await h.AddAsync(Printer("p", "MODE") with { EnvFiles = ["repo/.env"] });
        await h.ReadOutputUntilAsync("p", "p=first\n");

        Directory.Delete(folder, recursive: true);
        await h.ReadOutputUntilAsync("p", "p=\n");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, ".env"), "MODE=second\n");
        var output = await h.ReadOutputUntilAsync("p", "p=second\n");

        Assert.EndsWith("p=first\np=\np=second\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_an_env_file_removes_its_values()
    {
        await using var h = await SupervisorHarness.StartAsync();
        h.WriteEnvFile(".env.p", "MODE=debug\n");
        await h.AddAsync(Printer("p", "MODE"));
        await h.ReadOutputUntilAsync("p", "p=debug");

        File.Delete(Path.Combine(h.EnvDirectory, ".env.p"));
        var output = await h.ReadOutputUntilAsync("p", "p=\n");

        Assert.EndsWith("p=debug\np=\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_atomic_replace_of_the_env_file_is_seen()
    {
        await using var h = await SupervisorHarness.StartAsync();
        h.WriteEnvFile(".env", "COLOR=red\n");
        await h.AddAsync(Printer("p", "COLOR"));
        await h.ReadOutputUntilAsync("p", "p=red");

        h.ReplaceEnvFile(".env", "COLOR=green\n");
        var output = await h.ReadOutputUntilAsync("p", "p=green");

        Assert.EndsWith("p=green\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reload_delay_restarts_only_after_the_debounce()
    {
        var time = new ManualTimeProvider();
        await using var h = await SupervisorHarness.StartAsync(time);
        h.WriteEnvFile(".env", "COLOR=red\n");
        await h.AddAsync(Printer("p", "COLOR") with { EnvReload = new EnvReloadAfter(TimeSpan.FromSeconds(5)) });
        await h.ReadOutputUntilAsync("p", "p=red");
        var before = h.Supervisor.Get("p", false).Pid;

        h.WriteEnvFile(".env", "COLOR=blue\n");
        var pending = await h.NextEventAsync(e => e.Kind == ProcessEventKind.EnvChanged);
        time.Advance(TimeSpan.FromSeconds(4.9));
        var afterAlmost = h.Supervisor.Get("p", false).Pid;
        time.Advance(TimeSpan.FromSeconds(0.1));
        var output = await h.ReadOutputUntilAsync("p", "p=blue");

        Assert.Equal(
            ("environment changed; restart in 5000 ms", before, "p=red\np=blue\n"),
            (pending.Reason, afterAlmost, output));
    }

    [Fact]
    public async Task Reload_delay_off_never_restarts_on_an_env_change()
    {
        var time = new ManualTimeProvider();
        await using var h = await SupervisorHarness.StartAsync(time);
        h.WriteEnvFile(".env", "COLOR=red\n");
        await h.AddAsync(Printer("p", "COLOR") with { EnvReload = new EnvReloadOff() });
        await h.ReadOutputUntilAsync("p", "p=red");
        var before = h.Supervisor.Get("p", false).Pid;

        h.WriteEnvFile(".env", "COLOR=blue\n");
        var notice = await h.NextEventAsync(e => e.Kind == ProcessEventKind.EnvChanged);
        var armed = time.ArmedTimers;
        time.Advance(TimeSpan.FromMinutes(10));
        // A command queues behind whatever the timers posted, so its reply shows the process after all of it.
        var after = await h.Supervisor.StartAsync("p", CancellationToken.None);

        Assert.Equal(
            ("environment changed; reloadDelay off: applies at the next restart", 0, ProcessState.Running, before),
            (notice.Reason, armed, after.State, after.Pid));
    }

    [Fact]
    public async Task An_edit_that_leaves_the_effective_env_unchanged_restarts_nothing()
    {
        await using var h = await SupervisorHarness.StartAsync();
        h.WriteEnvFile(".env", "COLOR=red\n");
        await h.AddAsync(Printer("p", "COLOR") with { Env = new Dictionary<string, string> { ["COLOR"] = "fixed" } });
        await h.AddAsync(Printer("q", "COLOR"));
        var before = (await h.WaitForStateAsync("p", ProcessState.Running)).Pid;
        await h.WaitForStateAsync("q", ProcessState.Running);

        h.WriteEnvFile(".env", "COLOR=blue\n");
        await h.NextEventAsync(e => e.Process == "q" && e.Kind == ProcessEventKind.EnvChanged);

        Assert.Equal(before, h.Supervisor.Get("p", false).Pid);
    }

    [Fact]
    public async Task A_malformed_env_file_reports_file_and_line_and_keeps_the_last_good_env()
    {
        await using var h = await SupervisorHarness.StartAsync();
        h.WriteEnvFile(".env", "COLOR=red\n");
        await h.AddAsync(Printer("p", "COLOR"));
        var before = (await h.WaitForStateAsync("p", ProcessState.Running)).Pid;

        h.ReplaceEnvFile(".env", "COLOR=blue\nSECRET=\"unterminated\n");
        var error = await h.NextEventAsync(e => e.Kind == ProcessEventKind.EnvFileError);

        Assert.Equal(
            ($"{Path.Combine(h.EnvDirectory, ".env")} line 2: unterminated double quote", before, "red"),
            (error.Reason, h.Supervisor.Get("p", false).Pid, h.Supervisor.Get("p", true).EffectiveEnv!["COLOR"]));
    }

    [Fact]
    public async Task A_malformed_env_file_at_start_is_reported_when_the_process_starts()
    {
        await using var h = await SupervisorHarness.StartAsync();
        h.WriteEnvFile(".env.p", "GOOD=1\n=nokey\n");

        await h.AddAsync(Printer("p", "GOOD"));
        var error = await h.NextEventAsync(e => e.Kind == ProcessEventKind.EnvFileError);

        Assert.Equal($"{Path.Combine(h.EnvDirectory, ".env.p")} line 2: expected KEY=VALUE", error.Reason);
    }

    [Fact]
    public async Task Precedence_is_inherited_then_global_then_process_file_then_extra_files_then_definition()
    {
        await using var h = await SupervisorHarness.StartAsync();
        h.WriteEnvFile(".env", "A=global\nB=global\nC=global\nD=global\nHOME=global\n");
        h.WriteEnvFile(".env.p", "B=process\nC=process\nD=process\n");
        var extra = Path.Combine(h.Root, "extra.env");
        File.WriteAllText(extra, "C=extra\nD=extra\n");
        await h.AddAsync(SupervisorHarness.Shell("p", "echo $A $B $C $D $HOME; sleep 1000") with
        {
            EnvFiles = [extra],
            Env = new Dictionary<string, string> { ["D"] = "definition" },
        });

        var output = await h.ReadOutputUntilAsync("p", "\n");

        Assert.Equal("global process extra definition global", output.Trim());
    }

    [Fact]
    public async Task Clean_env_starts_from_an_empty_environment_but_for_the_supervisor_marker()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(new ProcessSpec { Name = "p", Command = "/usr/bin/env", CleanEnv = true, SkipGlobalEnvFile = true, RestartPolicy = RestartPolicy.Never, Env = new Dictionary<string, string> { ["ONLY"] = "1" } });
        await h.WaitForStateAsync("p", ProcessState.Exited);

        var identity = (await File.ReadAllTextAsync(Path.Combine(h.Options.StateDirectory, "supervisor-id"))).Trim();

        var output = await h.ReadOutputUntilAsync("p", identity + "\n");

        Assert.Equal($"ONLY=1\nREMOTEDEV_SUPERVISOR={identity}\n", output);
    }

    [Fact]
    public async Task What_starts_right_after_SetGlobalEnv_returns_sees_the_new_value()
    {
        await using var h = await SupervisorHarness.StartAsync();
        h.WriteEnvFile(".env", "COLOR=red\n");
        var before = h.Supervisor.CommandEnvironment(new Dictionary<string, string>())["COLOR"];

        // No process reads the file yet: only the command above did, and its file event may come later still.
        h.Supervisor.SetGlobalEnv(new Dictionary<string, string> { ["COLOR"] = "blue" });
        var command = h.Supervisor.CommandEnvironment(new Dictionary<string, string>())["COLOR"];
        await h.AddAsync(Printer("p", "COLOR"));
        var output = await h.ReadOutputUntilAsync("p", "\n");
        h.Supervisor.UnsetGlobalEnv(["COLOR"]);
        var unset = h.Supervisor.CommandEnvironment(new Dictionary<string, string>()).ContainsKey("COLOR");

        Assert.Equal(("red", "blue", "p=blue\n", false), (before, command, output, unset));
    }

    [Fact]
    public async Task SetGlobalEnv_writes_the_file_and_reaches_the_processes()
    {
        await using var h = await SupervisorHarness.StartAsync();
        h.WriteEnvFile(".env", "# keep me\nCOLOR=red\n");
        await h.AddAsync(Printer("p", "COLOR"));
        await h.ReadOutputUntilAsync("p", "p=red");

        h.Supervisor.SetGlobalEnv(new Dictionary<string, string> { ["COLOR"] = "multi\nline" });
        await h.ReadOutputUntilAsync("p", "p=multi\nline");
        h.Supervisor.UnsetGlobalEnv(["COLOR"]);

        Assert.Equal(("# keep me\n", 0), (File.ReadAllText(Path.Combine(h.EnvDirectory, ".env")), h.Supervisor.ListGlobalEnvNames().Count));
    }
}
