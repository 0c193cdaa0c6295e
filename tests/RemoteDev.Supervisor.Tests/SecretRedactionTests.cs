using RemoteDev.Supervisor.Tests.Infrastructure;

namespace RemoteDev.Supervisor.Tests;

/// <summary>Values of secret-looking env keys never leave the supervisor through its API, yet processes get them.</summary>
public sealed class SecretRedactionTests
{
    private static readonly IReadOnlyDictionary<string, string> Secrets =
        new Dictionary<string, string> { ["API_TOKEN"] = "t0k", ["db_password"] = "pw", ["PLAIN"] = "visible" };

    [Fact]
    public async Task Get_redacts_values_of_secret_looking_keys()
    {
        await using var h = await SupervisorHarness.StartAsync();
        await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000") with { Env = Secrets });

        var env = h.Supervisor.Get("p", includeEnv: true).EffectiveEnv!;

        Assert.Equal(("[redacted]", "[redacted]", "visible"), (env["API_TOKEN"], env["db_password"], env["PLAIN"]));
    }

    [Fact]
    public async Task Get_list_and_add_redact_values_of_secret_looking_keys_in_the_spec()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var added = await h.AddAsync(SupervisorHarness.Shell("p", "sleep 1000") with { Env = Secrets });

        var get = h.Supervisor.Get("p", includeEnv: false).Spec.Env;
        var list = h.Supervisor.List([]).Single().Spec.Env;

        Assert.Equal(
            ("[redacted]", "[redacted]", "[redacted]", "visible"),
            (added.Spec.Env["API_TOKEN"], get["API_TOKEN"], list["db_password"], list["PLAIN"]));
    }

    [Fact]
    public async Task The_supervisor_keeps_the_real_secret_values_it_redacts_for_a_durable_process_restored_after_a_restart()
    {
        await using var h = await SupervisorHarness.StartAsync();
        var spec = SupervisorHarness.Shell("p", "echo \"token=$API_TOKEN\"; sleep 1000") with { Env = Secrets, Durable = true };
        await h.AddAsync(spec);

        await h.RestartSupervisorAsync(stopFirst: true);
        var output = await h.ReadOutputUntilAsync("p", "token=t0k\n");
        var again = await h.AddAsync(spec);

        Assert.Equal(("token=t0k\n", ProcessState.Running), (output, again.State));
    }
}
