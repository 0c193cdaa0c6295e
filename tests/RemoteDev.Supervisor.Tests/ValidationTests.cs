using RemoteDev.Supervisor.Tests.Infrastructure;

namespace RemoteDev.Supervisor.Tests;

public sealed class ValidationTests
{
    [Fact]
    public void One_error_lists_every_problem_of_a_process_file()
    {
        const string json = """
            { "processes": [
              { "name": "a", "command": "" },
              { "name": "b", "command": "x", "restartPolicy": "sometimes", "backoff": { "fixed": { "delay": "-1s" } } },
              { "name": "b", "command": "x" },
              { "name": "c", "command": "x", "dependsOn": [ { "process": { "name": "d" } } ] },
              { "name": "d", "command": "x", "dependsOn": [ { "process": { "name": "c" } } ] },
              { "name": "e", "command": "x", "dependsOn": [ { "process": { "name": "nobody" } } ] }
            ] }
            """;

        var error = Assert.Throws<SpecValidationException>(() => ProcessFile.Parse(json));

        Assert.Equal(
            [
                "b: unknown restartPolicy 'sometimes'",
                "duplicate name 'b'",
                "a: command is empty",
                "b: backoff.fixed.delay is negative",
                "e: unknown dependency 'nobody'",
                "dependency cycle: c -> d -> c",
            ],
            error.Problems);
    }

    [Fact]
    public void Field_and_graph_problems_are_all_listed_together()
    {
        const string json = """
            [
              { "name": "a", "command": "" },
              { "name": "b", "command": "x", "backoff": { "fixed": { "delay": "-1s" } } },
              { "name": "b", "command": "x" },
              { "name": "c", "command": "x", "dependsOn": [ { "process": { "name": "d" } } ] },
              { "name": "d", "command": "x", "dependsOn": [ { "process": { "name": "c" } } ] },
              { "name": "e", "command": "x", "dependsOn": [ { "process": { "name": "nobody" } } ] }
            ]
            """;

        var error = Assert.Throws<SpecValidationException>(() => ProcessFile.Parse(json));

        Assert.Equal(
            [
                "duplicate name 'b'",
                "a: command is empty",
                "b: backoff.fixed.delay is negative",
                "e: unknown dependency 'nobody'",
                "dependency cycle: c -> d -> c",
            ],
            error.Problems);
    }

    [Fact]
    public async Task Adding_a_duplicate_name_is_rejected_and_the_first_keeps_running()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000"));

        var error = await Assert.ThrowsAsync<SpecValidationException>(() => h.AddAsync(SupervisorHarness.Shell("p", "sleep 1")));

        Assert.Equal(["duplicate name 'p'"], error.Problems);
    }

    [Fact]
    public async Task Adding_the_same_spec_again_returns_the_running_process()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var first = await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000"));

        var again = await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000"));

        Assert.Equal(ProcessState.Running, again.State);
        Assert.Equal(first.Pid, again.Pid);
    }

    [Fact]
    public void A_process_file_maps_every_proto_field()
    {
        const string json = """
            [{
              "name": "web", "tags": ["dev"], "command": "npm", "args": ["run", "dev"], "cwd": "/w",
              "env": { "PORT": "3000" }, "envFiles": ["/w/.env.local"], "cleanEnv": true, "skipGlobalEnvFile": true,
              "restartPolicy": "RESTART_POLICY_ON_FAILURE",
              "backoff": { "exponential": { "initial": "0.5s", "multiplier": 3, "max": "30s" } },
              "minUptime": "20s", "crashLoop": { "maxRestarts": 4, "window": "10s", "pause": "5s" },
              "maxRestarts": 9, "permanentFailureExitCodes": [78], "stopSignal": "SIGINT", "stopGrace": "2s",
              "desiredState": "DESIRED_PROCESS_STATE_STOPPED",
              "dependsOn": [{ "file": { "path": "/w/ready", "timeout": "60s" } }],
              "healthCheck": { "http": { "port": 3000, "path": "/health" }, "interval": "1s", "failureThreshold": 2 },
              "terminal": { "rows": 24, "cols": 80 }, "stdinOpen": true, "durable": true,
              "envReload": { "off": true }, "required": true, "outputBufferBytes": "2097152"
            }]
            """;

        var spec = ProcessFile.Parse(json).Single();
        var roundTrip = ProcessFile.Parse("[" + ProcessFile.Serialize(spec) + "]").Single();

        Assert.Equal(
            (RestartPolicy.OnFailure, new ExponentialBackoff(TimeSpan.FromSeconds(0.5), 3, TimeSpan.FromSeconds(30)), DesiredState.Stopped,
                (HealthProbe)new HttpProbe(null, 3000, "/health"), new TerminalSize(24, 80), 2097152ul, true),
            (spec.RestartPolicy, spec.Backoff, spec.DesiredState, spec.HealthCheck!.Probe, spec.Terminal, spec.OutputBufferBytes,
                ProcessFile.SameSpec(spec, roundTrip)));
    }
}
